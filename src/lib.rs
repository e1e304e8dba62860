//! twelve: a Twelve-Factor App compliance linter.
//!
//! Data flows one way: walk → parse → model → rules → report. The library never prints.
#![cfg_attr(not(test), deny(clippy::string_slice))]

pub mod app;
pub mod args;
pub mod baseline;
pub mod cache;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod factor;
pub mod fault;
pub mod git;
pub mod lang;
pub mod model;
pub mod name;
pub mod outcome;
pub mod parse;
pub mod report;
pub mod rules;
pub mod score;
pub mod secrets;
pub mod settings;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod text;
pub mod walk;
