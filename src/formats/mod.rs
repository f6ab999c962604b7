//! Files in and out: project files, article import.

pub mod atomic;
pub mod import;
pub mod project;
