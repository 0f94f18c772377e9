//! The simulators driven by the real generated client, as a user's tests
//! would drive them.

mod binary;
mod cancel;
mod constellation1;
mod dropbox_sign;
mod flow;
mod leegality;
mod send_and_track;
mod support;
