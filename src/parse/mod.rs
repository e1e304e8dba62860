//! One module per format. Each returns a typed tree with byte spans; a failure is data.

pub mod code;
pub mod compose;
pub mod dockerfile;
pub mod dotenv;
pub mod k8s;
pub mod manifest;
pub mod python;
pub mod shell;
pub mod yaml;
