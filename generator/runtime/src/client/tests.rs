use super::*;

const NAMES: RateLimitHeaders =
    RateLimitHeaders { limit: "x-ratelimit-limit", remaining: "x-ratelimit-remaining", reset: "x-ratelimit-reset" };

/// A core around its own HTTP client (default settings), with the default rules.
fn build_core(base_url: &str, auth: Auth, rate_limit: Option<RateLimitHeaders>) -> Result<ClientCore, BuildError> {
    ClientCore::build(ClientSettings::default(), base_url, auth, rate_limit, RetryRules::DEFAULT)
}

fn core(auth: Auth) -> ClientCore {
    build_core("https://api.example.com/v3/", auth, None).unwrap()
}

fn build(core: &ClientCore, query: &[(&str, String)], authenticated: bool) -> reqwest::Request {
    core.request(reqwest::Method::GET, "/account/a%2Fb", query, authenticated).unwrap().build().unwrap()
}

#[test]
fn base_urls_must_be_absolute_http() {
    for bad in ["not a url", "ftp://example.com", "mailto:someone@example.com", "/v3"] {
        assert!(build_core(bad, Auth::None, None).is_err(), "{bad}");
    }
    let err = build_core("https://example.com/?key=sk_live_1", Auth::None, None).unwrap_err();
    assert_eq!(err, BuildError::BaseUrlQueryOrFragment("https://example.com/?key=<redacted>".to_owned()));
    assert_eq!(
        err.to_string(),
        "cannot build the client: base URL `https://example.com/?key=<redacted>` may not have a query or fragment"
    );
    for with_user in ["http://sk_live_1:@example.com/v3", "https://user:sk_live_1@example.com", "http://sk_live_1@h"] {
        let err = build_core(with_user, Auth::None, None).unwrap_err();
        assert_eq!(err, BuildError::BaseUrlUserInfo);
        assert!(err.to_string().contains("user information") && !err.to_string().contains("sk_live_1"), "{err}");
    }
    let err = build_core("not a url ?key=sk_live_1", Auth::None, None).unwrap_err();
    assert!(matches!(err, BuildError::BaseUrlNotAbsolute(_)), "{err:?}");
    assert!(!err.to_string().contains("sk_live_1"), "{err}");
    assert!(build_core("https://example.com/#top", Auth::None, None).is_err());
    let core = build_core("http://localhost:8080/api//", Auth::None, Some(NAMES)).unwrap();
    assert_eq!(core.base_url(), "http://localhost:8080/api");
    let shown = format!("{:?}", build_core("http://h/", Auth::Bearer("sk_live_1".into()), None).unwrap());
    assert!(shown.starts_with("ClientCore { base_url: \"http://h\"") && !shown.contains("sk_live_1"), "{shown}");
}

#[test]
fn retry_settings_are_kept() {
    let core = core(Auth::None);
    assert_eq!(core.retry_policy().max_attempts, RetryPolicy::default().max_attempts);
    let copy = core.clone().with_retry_policy(RetryPolicy::never());
    assert_eq!(copy.retry_policy().max_attempts, 1);
    assert_eq!(copy.retry_rules().rate_limited.len(), RetryRules::DEFAULT.rate_limited.len());
    // Copies share the rate-limit window.
    core.observe_rate_limit(RateLimit { limit: 10, remaining: 4, reset: u64::MAX / 2 });
    assert_eq!(copy.rate_limit_window(), Some(RateLimit { limit: 10, remaining: 4, reset: u64::MAX / 2 }));
    let mut settings = ClientSettings::default();
    assert_eq!((settings.redirects, settings.max_response_bytes), (Redirects::SameOrigin, 16 << 20));
    assert_eq!(settings.retry.max_attempts, RetryPolicy::default().max_attempts);
    // The policy is a setting like the others.
    settings.retry = RetryPolicy::never();
    let built = ClientCore::build(settings, "https://api.example.com", Auth::None, None, RetryRules::DEFAULT).unwrap();
    assert_eq!(built.retry_policy().max_attempts, 1);
}

#[test]
fn requests_carry_the_path_the_query_and_the_credential() {
    let request =
        build(&core(Auth::Bearer("tok".into())), &[("page", "2".to_owned()), ("q", "a b&c".to_owned())], true);
    assert_eq!(request.url().as_str(), "https://api.example.com/v3/account/a%2Fb?page=2&q=a+b%26c");
    assert_eq!(request.headers()[reqwest::header::AUTHORIZATION], "Bearer tok");

    let request = build(&core(Auth::Query { name: "api_key", value: "k&1".into() }), &[], true);
    assert_eq!(request.url().query(), Some("api_key=k%261"));
    let request = build(&core(Auth::Query { name: "api_key", value: "k".into() }), &[], false);
    assert_eq!(request.url().query(), None);

    let request = build(&core(Auth::Basic { username: "user".into(), password: "".into() }), &[], true);
    assert_eq!(request.headers()[reqwest::header::AUTHORIZATION], "Basic dXNlcjo=");

    let request = build(&core(Auth::Header { name: "X-Api-Key", value: "key".into() }), &[], true);
    assert_eq!(request.headers()["x-api-key"], "key");
    assert!(request.headers()["x-api-key"].is_sensitive());

    let request = build(&core(Auth::Cookie { name: "session", value: "s1".into() }), &[], true);
    assert_eq!(request.headers()[reqwest::header::COOKIE], "session=s1");
    assert!(request.headers()[reqwest::header::COOKIE].is_sensitive());

    let request = build(&core(Auth::Bearer("tok".into())), &[], false);
    assert!(request.headers().get(reqwest::header::AUTHORIZATION).is_none());
}

#[test]
fn credentials_that_are_not_header_values_are_refused() {
    let core = core(Auth::Header { name: "X-Api-Key", value: "line\nbreak".into() });
    let err = core.request::<&str>(reqwest::Method::GET, "/", &[], true).unwrap_err();
    assert_eq!(err, "the `X-Api-Key` credential is not a valid header value");
    assert!(!err.contains("line"));
}
