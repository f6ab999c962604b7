//! Schema files: read one to start a project with (`tagdesk new --schema`) or to merge into a
//! project's (the app's schema editor), and write a project's schema for others to use.
//!
//! Read by name: brat's `annotation.conf` (or any `.conf`), a project file (its schema), or a
//! schema file in RON or JSON; written in RON, or JSON for a `.json` name, atomically.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::atomic::write_atomically;
use super::exchange::{ImportOptions, parse_annotation_conf};
use super::export::OffsetUnit;
use super::project as project_file;
use crate::model::Schema;

/// The schema in `path`, checked; `into` (the schema it will join) maps brat's spellings
/// back to its names.
pub fn read_schema(path: &Path, into: Option<&Schema>) -> Result<Schema> {
    let name = path.to_string_lossy();
    if name.ends_with(".tagdesk.ron") || name.ends_with(".tagdesk.json") {
        return Ok(project_file::load(path)?.schema().clone());
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading schema {}", path.display()))?;
    let schema: Schema = match path.extension().and_then(|e| e.to_str()) {
        Some("conf") => {
            let options = ImportOptions {
                offsets: OffsetUnit::Chars,
                schema: into,
            };
            parse_annotation_conf(path, &text, &options)?
        }
        Some("json") => {
            serde_json::from_str(&text).with_context(|| format!("schema {}", path.display()))?
        }
        _ => ron::from_str(&text).with_context(|| format!("schema {}", path.display()))?,
    };
    let problems = schema.problems();
    if !problems.is_empty() {
        bail!("schema {}:\n  {}", path.display(), problems.join("\n  "));
    }
    Ok(schema)
}

/// Writes `schema` to `path` (RON, or JSON for a `.json` name), atomically.
pub fn write_schema(schema: &Schema, path: &Path) -> Result<()> {
    let bytes = match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::to_vec_pretty(schema)?,
        _ => {
            let pretty = ron::ser::PrettyConfig::new()
                .struct_names(false)
                .indentor("  ")
                .depth_limit(3);
            ron::ser::to_string_pretty(schema, pretty)?.into_bytes()
        }
    };
    write_atomically(path, &bytes).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_written_reads_back_the_same_in_both_encodings() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["news.ron", "news.json"] {
            let path = dir.path().join(name);
            write_schema(&Schema::news(), &path).unwrap();
            assert_eq!(read_schema(&path, None).unwrap(), Schema::news());
        }
        let broken = dir.path().join("broken.ron");
        std::fs::write(&broken, "(name: ").unwrap();
        assert!(read_schema(&broken, None).is_err());
    }
}
