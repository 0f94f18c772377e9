//! The one integration-test binary: the generator on fixture specs, the
//! drift check, bad specs, and the generated client against real local
//! HTTP servers.

mod bad_specs;
mod constructs;
mod dropbox_sign;
mod dropbox_sign_api;
mod events;
mod examples;
mod faults;
mod fixtures;
mod fresh;
mod fuzz;
mod heap;
mod journal;
mod naming;
mod output_folder;
mod providers;
mod retries;
mod standalone;
mod support;
mod tables;
mod tracing_spans;
mod versions;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;
