//! twelve: a Twelve-Factor App compliance linter.
//!
//! Data flows one way: walk → parse → model → rules → report. The library never prints.

pub mod diagnostic;
pub mod parse;
pub mod source;
pub mod walk;
