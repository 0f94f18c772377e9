//! The `match` a method makes on a response's status, decided: which
//! statuses decode which success body (and into which variant), which are
//! the API's error, and what an undeclared 2xx is. Arms never overlap, and
//! runs of three or more codes are one range.

use crate::ir::{self, Handling, ResponseBody, StatusMatch};

/// The parts of the inclusive range `whole` that no range in `taken` covers.
fn subtract(whole: (u16, u16), taken: &[(u16, u16)]) -> Vec<(u16, u16)> {
    let mut free = vec![whole];
    for &(lo, hi) in taken {
        free = free
            .into_iter()
            .flat_map(|(a, b)| {
                if hi < a || lo > b {
                    return vec![(a, b)];
                }
                let mut rest = Vec::new();
                if lo > a {
                    rest.push((a, lo - 1));
                }
                if hi < b {
                    rest.push((hi + 1, b));
                }
                rest
            })
            .collect();
    }
    free
}

/// An arm's statuses with every run of three or more consecutive codes
/// written as one range (`480..=482`, not `480 | 481 | 482`, which clippy
/// refuses); other codes and ranges keep their order.
fn merge_runs(statuses: &[(u16, u16)]) -> Vec<(u16, u16)> {
    let mut codes: Vec<u16> = statuses.iter().filter(|(lo, hi)| lo == hi).map(|(lo, _)| *lo).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for code in codes {
        match runs.last_mut() {
            Some((_, hi)) if *hi + 1 == code => *hi = code,
            _ => runs.push((code, code)),
        }
    }
    let mut out: Vec<(u16, u16)> = Vec::new();
    for &(lo, hi) in statuses {
        if lo != hi {
            out.push((lo, hi));
            continue;
        }
        let run = runs.iter().find(|(a, b)| (*a..=*b).contains(&lo)).copied().unwrap_or((lo, hi));
        let piece = if run.1 - run.0 >= 2 { run } else { (lo, lo) };
        if !out.contains(&piece) {
            out.push(piece);
        }
    }
    out
}

/// How the method matches a response's status: documented successes decode
/// their body, documented errors become `Error::Api`, anything else
/// `Error::UnexpectedResponse` (status and raw body kept). `op.success` must
/// be decided already: successes by status name their variant.
pub(super) fn dispatch(op: &ir::Operation) -> ir::Dispatch {
    // The enum's variant for a success response, by its status.
    let variant_of = |r: &ir::Response| -> Option<String> {
        let ir::Success::ByStatus(e) = &op.success else { return None };
        e.variants.iter().find(|v| v.status == r.status).map(|v| v.name.clone())
    };
    let handler_of = |r: &ir::Response| -> Handling {
        if r.success {
            Handling::Success { body: r.body.clone(), variant: variant_of(r) }
        } else {
            match r.body {
                ResponseBody::Json(_) => Handling::ApiError,
                _ => Handling::Unexpected,
            }
        }
    };
    let fallback =
        op.responses.iter().find(|r| r.status == StatusMatch::Default).map_or(Handling::Unexpected, handler_of);
    let ranges: Vec<u16> = op
        .responses
        .iter()
        .filter_map(|r| match r.status {
            StatusMatch::Range(d) => Some(d),
            _ => None,
        })
        .collect();
    // Each arm's statuses as inclusive ranges (a code is a range of one).
    let mut arms: Vec<(Vec<(u16, u16)>, Handling)> = Vec::new();
    for r in &op.responses {
        let handler = handler_of(r);
        match r.status {
            StatusMatch::Code(code) => {
                let covered_by_range = ranges.contains(&(code / 100));
                if handler == fallback && !covered_by_range {
                    continue;
                }
                match arms.iter_mut().find(|(_, h)| *h == handler) {
                    Some((patterns, _)) => patterns.push((code, code)),
                    None => arms.push((vec![(code, code)], handler)),
                }
            }
            StatusMatch::Range(d) => {
                if handler == fallback {
                    continue;
                }
                arms.push((vec![(d * 100, d * 100 + 99)], handler));
            }
            StatusMatch::Default => {}
        }
    }
    // A 2xx the spec does not list never gets the error schema: it is the
    // success when it fits the one success body, else kept whole.
    if !matches!(fallback, Handling::Success { .. }) && !ranges.contains(&2) {
        let handler = match &op.success {
            // Only a JSON body can fail to fit; any other is read as declared.
            ir::Success::One(body @ ResponseBody::Json(_)) => Handling::UndeclaredSuccess { body: body.clone() },
            ir::Success::One(body) => Handling::Success { body: body.clone(), variant: None },
            _ => Handling::Unexpected,
        };
        if handler != fallback {
            // The declared successes share one arm (one body): the range
            // replaces their codes there; codes of other arms come first.
            match arms.iter_mut().find(|(_, h)| *h == handler) {
                Some((patterns, _)) => {
                    patterns.retain(|&(lo, hi)| !(200..=299).contains(&lo) || hi > 299);
                    patterns.push((200, 299));
                }
                // Its own arm, after the others: the 2xx codes they match
                // are left out, so no two arms overlap (clippy's
                // match_overlapping_arm).
                None => {
                    let taken: Vec<(u16, u16)> = arms.iter().flat_map(|(s, _)| s.iter().copied()).collect();
                    let free = subtract((200, 299), &taken);
                    if !free.is_empty() {
                        arms.push((free, handler));
                    }
                }
            }
        }
    }
    let arms = arms
        .into_iter()
        .map(|(statuses, handling)| ir::DispatchArm {
            statuses: merge_runs(&statuses).into_iter().map(|(first, last)| ir::StatusRange { first, last }).collect(),
            handling,
        })
        .collect();
    ir::Dispatch { arms, fallback }
}
