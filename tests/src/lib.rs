//! Integration tests live in `tests/all/`. This library only runs the
//! README's usage example as a doctest, so the README cannot drift from the
//! generated API.
#![doc = include_str!("../../README.md")]
