//! tagdesk: an offline desktop tool to annotate news text with entities and events.

pub mod cli;
pub mod formats;
pub mod model;
