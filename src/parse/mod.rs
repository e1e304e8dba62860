//! One module per format. Each returns a typed tree with byte spans; a failure is data.

pub mod buildtools;
pub mod code;
pub use code::python;
pub mod compose;
pub mod dockerfile;
pub mod dotenv;
pub mod helm;
pub mod k8s;
pub mod kustomize;
pub mod logconfig;
pub mod manifest;
pub mod settings;
pub mod shell;
pub mod yaml;
