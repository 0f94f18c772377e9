//! The one integration-test binary: the generator on fixture specs, the
//! drift check, bad specs, and the generated client against real local
//! HTTP servers.

mod apart;
mod bad_specs;
mod compiles;
mod constructs;
mod dropbox_sign;
mod events;
mod fixtures;
mod fresh;
mod fuzz;
mod naming;
mod providers;
mod retries;
mod support;
mod tables;
mod versions;
