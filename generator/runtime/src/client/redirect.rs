//! Redirects: the policy of an HTTP client the runtime builds, and the
//! same-origin redirects a client with a credential in the query follows
//! itself (so the credential goes along).
//!
//! No request leaves the base URL's origin: a redirect elsewhere is not
//! followed, and is handed back as the answer it was.

use reqwest::StatusCode;

use super::ClientCore;
use crate::client::settings::Redirects;
use crate::secret::Auth;
use crate::url::same_origin;

impl ClientCore {
    /// The request to send next when `response` is a redirect this client
    /// follows itself: within the base URL's origin, at most 10 in a row,
    /// with the query credential added to the new URL. 301, 302 and 303
    /// turn anything but GET and HEAD into a GET without a body; 307 and
    /// 308 keep the method and body.
    pub(super) fn redirected(
        &self,
        mut request: reqwest::Request,
        response: &reqwest::Response,
        hops: u32,
    ) -> Option<reqwest::Request> {
        use reqwest::{header, Method};
        let status = response.status();
        if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) || hops >= 10 {
            return None;
        }
        let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
        let mut url = response.url().join(location).ok()?;
        if !same_origin(&url, &self.shared.base) {
            return None;
        }
        if let Auth::Query { name, value } = &self.shared.auth {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(key, _)| key != name)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut pairs = url.query_pairs_mut();
            pairs.clear();
            for (key, value) in &kept {
                pairs.append_pair(key, value);
            }
            pairs.append_pair(name, value.expose());
        }
        url.set_fragment(None);
        let to_get = match status {
            StatusCode::SEE_OTHER => request.method() != Method::HEAD,
            StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => {
                !matches!(*request.method(), Method::GET | Method::HEAD)
            }
            _ => false,
        };
        if to_get {
            *request.method_mut() = Method::GET;
            *request.body_mut() = None;
            for name in
                [header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_ENCODING, header::TRANSFER_ENCODING]
            {
                request.headers_mut().remove(name);
            }
        }
        *request.url_mut() = url;
        Some(request)
    }
}

/// The redirect policy of a client the runtime builds: see [`Redirects`].
pub(super) fn redirect_policy(base: reqwest::Url, redirects: Redirects) -> reqwest::redirect::Policy {
    match redirects {
        Redirects::None => reqwest::redirect::Policy::none(),
        Redirects::SameOrigin => reqwest::redirect::Policy::custom(move |attempt| {
            if !same_origin(attempt.url(), &base) {
                attempt.stop()
            } else if attempt.previous().len() > 10 {
                attempt.error("more than 10 redirects in a row")
            } else {
                attempt.follow()
            }
        }),
    }
}
