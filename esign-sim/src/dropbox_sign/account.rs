//! The account behind the API key, its team, and the API apps it creates.

use axum::response::Response;
use serde_json::{json, Value};

use super::form::{self, Form};
use super::{bad_request, refuse, Shared, ACCOUNT_EMAIL, ACCOUNT_ID};
use crate::server::{lock, unix_now, Reply};

/// The team: its members, the addresses invited, and addresses that belong
/// to another team.
#[derive(Debug)]
pub(super) struct Team {
    members: Vec<String>,
    invited: Vec<String>,
    elsewhere: Vec<String>,
}

impl Team {
    /// A team of one: the account.
    pub(super) fn new(owner: &str) -> Team {
        Team { members: vec![owner.to_owned()], invited: Vec::new(), elsewhere: Vec::new() }
    }

    pub(super) fn add_member(&mut self, email: &str) {
        if !self.members.iter().any(|m| m.eq_ignore_ascii_case(email)) {
            self.members.push(email.to_owned());
        }
    }

    pub(super) fn add_elsewhere(&mut self, email: &str) {
        self.elsewhere.push(email.to_owned());
    }

    fn json(&self) -> Value {
        let accounts: Vec<Value> =
            self.members.iter().map(|email| json!({"account_id": account_id(email), "email_address": email})).collect();
        json!({"team": {
            "name": "Simulated team",
            "accounts": accounts,
            "invited_accounts": [],
            "invited_emails": self.invited,
        }})
    }
}

/// The account id of a member: the account's own for its address.
fn account_id(email: &str) -> String {
    if email == ACCOUNT_EMAIL {
        ACCOUNT_ID.to_owned()
    } else {
        format!("sim-account-{}", email.to_ascii_lowercase())
    }
}

/// The member or invitation a body names, by `email_address` or `account_id`.
fn named(form: &Form) -> Option<String> {
    let email = form::text(form.fields.get("email_address"));
    let account = form::text(form.fields.get("account_id"));
    email.or(account)
}

fn same(team_entry: &str, named: &str) -> bool {
    team_entry.eq_ignore_ascii_case(named) || account_id(team_entry) == named
}

/// `GET /account`.
pub(super) fn account() -> Response {
    let account = json!({"account": {
        "account_id": ACCOUNT_ID,
        "email_address": ACCOUNT_EMAIL,
        "is_locked": false,
        "is_paid_hs": true,
        "is_paid_hf": false,
        "quotas": {"api_signature_requests_left": null, "documents_left": null, "templates_left": null},
    }});
    Reply::json(200, &account).into_response()
}

/// `PUT /team/add_member`.
pub(super) fn add_member(shared: &Shared, form: &Form) -> Response {
    let Some(email) = named(form) else {
        return bad_request("account_id or email_address is required.", Some("email_address"));
    };
    let mut team = lock(&shared.team);
    if team.elsewhere.iter().any(|other| other.eq_ignore_ascii_case(&email)) {
        return refuse(403, "team_invite_failed", "This account already belongs to another team.", None);
    }
    if !team.members.iter().chain(&team.invited).any(|entry| same(entry, &email)) {
        team.invited.push(email);
    }
    Reply::json(200, &team.json()).into_response()
}

/// `POST /team/remove_member`.
pub(super) fn remove_member(shared: &Shared, form: &Form) -> Response {
    let Some(email) = named(form) else {
        return bad_request("account_id or email_address is required.", Some("email_address"));
    };
    let mut team = lock(&shared.team);
    let before = team.members.len() + team.invited.len();
    team.members.retain(|entry| !same(entry, &email));
    team.invited.retain(|entry| !same(entry, &email));
    if team.members.len() + team.invited.len() == before {
        return refuse(404, "not_found", "No member or invitation has this address.", Some("email_address"));
    }
    // Handing the documents to a new owner is queued: 201.
    let status = if form::text(form.fields.get("new_owner_email_address")).is_some() { 201 } else { 200 };
    Reply::json(status, &team.json()).into_response()
}

/// `POST /api_app`.
pub(super) fn create_api_app(shared: &Shared, form: &Form) -> Response {
    let fields = &form.fields;
    let Some(name) = form::text(fields.get("name")) else {
        return bad_request("name is required.", Some("name"));
    };
    let domains = form::strings(fields.get("domains"));
    if !(1..=2).contains(&domains.len()) {
        return bad_request("domains must hold one or two domains.", Some("domains"));
    }
    let client_id = lock(&shared.requests).make_id(32);
    let app = json!({"api_app": {
        "client_id": client_id,
        "name": name,
        "domains": domains,
        "callback_url": form::text(fields.get("callback_url")),
        "created_at": unix_now() as u64,
        "is_approved": false,
        "owner_account": {"account_id": ACCOUNT_ID, "email_address": ACCOUNT_EMAIL},
        "oauth": null,
    }});
    Reply::json(201, &app).into_response()
}
