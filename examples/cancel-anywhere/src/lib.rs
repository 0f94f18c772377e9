//! One call for every provider: build the three clients, then cancel
//! through `esign_client::runtime::Cancel` without caring which is which.

use esign_client::runtime::{Cancel, CancelOutcome, CancelRequest, CancelTarget};
use esign_client::{constellation1, dropbox_sign, leegality};

/// Where and as whom to reach each provider.
#[derive(Clone, Debug, Default)]
pub struct Providers {
    /// Dropbox Sign: base URL (default: production) and API key.
    pub dropbox_sign: Option<(Option<String>, String)>,
    /// Leegality: base URL (default: production) and X-Auth-Token.
    pub leegality: Option<(Option<String>, String)>,
    /// Constellation1: base URL (required) and encrypted token.
    pub constellation1: Option<(String, String)>,
}

/// The clients for the providers that are configured, as trait objects.
pub fn clients(providers: &Providers) -> Result<Vec<Box<dyn Cancel + Send + Sync>>, String> {
    let mut out: Vec<Box<dyn Cancel + Send + Sync>> = Vec::new();
    if let Some((base, key)) = &providers.dropbox_sign {
        let mut builder = dropbox_sign::Client::builder().credentials(dropbox_sign::Credentials::api_key(key));
        if let Some(base) = base {
            builder = builder.base_url(base);
        }
        out.push(Box::new(builder.build().map_err(|e| e.to_string())?));
    }
    if let Some((base, token)) = &providers.leegality {
        let mut builder = leegality::Client::builder().credentials(leegality::Credentials::auth_token(token));
        if let Some(base) = base {
            builder = builder.base_url(base);
        }
        out.push(Box::new(builder.build().map_err(|e| e.to_string())?));
    }
    if let Some((base, token)) = &providers.constellation1 {
        let client = constellation1::Client::builder()
            .base_url(base)
            .credentials(constellation1::Credentials::encrypted_token(token))
            .build()
            .map_err(|e| e.to_string())?;
        out.push(Box::new(client));
    }
    Ok(out)
}

/// Cancels each request with the client for its target kind.
pub async fn cancel_all(
    clients: &[Box<dyn Cancel + Send + Sync>],
    requests: &[(CancelTarget, CancelRequest)],
) -> Vec<(CancelTarget, String, CancelOutcome)> {
    let mut out = Vec::with_capacity(requests.len());
    for (target, request) in requests {
        let outcome = match clients.iter().find(|c| c.cancel_target() == *target) {
            Some(client) => client.cancel(request).await,
            None => CancelOutcome::Failed { reason: format!("no client configured for {target:?}"), status: None },
        };
        out.push((*target, request.id.clone(), outcome));
    }
    out
}
