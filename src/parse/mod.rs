//! One module per format. Each returns a typed tree with byte spans; a failure is data.

pub mod buildtools;
pub mod code;
pub mod compose;
pub mod dockerfile;
pub mod dotenv;
#[cfg(feature = "go")]
pub mod golang;
pub mod helm;
#[cfg(feature = "javascript")]
pub mod javascript;
pub mod k8s;
pub mod kustomize;
pub mod logconfig;
pub mod manifest;
pub mod python;
#[cfg(feature = "rust")]
pub mod rust;
pub mod settings;
pub mod shell;
pub mod yaml;
