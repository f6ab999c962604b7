//! A project: a schema, the documents annotated with it, and who made it when.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::{DictionaryPattern, Document, Problem, Schema, Severity};

/// An annotation project. Its fields change only through [`crate::model::Edit`]s
/// ([`Project::apply`]), except the `modified` stamp, which saving sets.
#[derive(Clone, Debug, PartialEq)]
pub struct Project {
    pub(super) name: String,
    pub(super) annotator: String,
    /// RFC 3339, UTC.
    pub(super) created: String,
    /// RFC 3339, UTC.
    pub(super) modified: String,
    pub(super) schema: Schema,
    /// The project dictionary; its labels are always in the schema.
    pub(super) dictionary: Vec<DictionaryPattern>,
    /// Whether pre-annotation learns from the reviewed documents (on unless switched off).
    pub(super) learning: bool,
    pub(super) documents: Vec<Document>,
    /// Each document's position by id (the first, if an invalid file repeats one), so edits
    /// find their document in O(1) rather than by a scan per annotation.
    pub(super) positions: HashMap<String, usize>,
    pub(super) changes: Changes,
}

/// Which documents changed since the project was last read from or written to its folder
/// (see `formats::folder`), so a save writes only those. Bookkeeping, not content: projects
/// compare equal whatever it holds.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// The folder the project's files match, but for `docs` and `manifest`; `None`: none yet.
    pub folder: Option<PathBuf>,
    /// The extension of that folder's document files (`ron`, `json`).
    pub extension: &'static str,
    /// Ids of documents added, edited or removed since.
    pub docs: HashSet<String>,
    /// Whether anything else changed since: the document list, schema, dictionary or
    /// settings (what the folder's manifest holds).
    pub manifest: bool,
    /// The project holds only some documents of its folder: it may be saved only there, and
    /// only its documents are written.
    pub partial: bool,
}

impl PartialEq for Changes {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A count as messages show it: `1204` as `1,204`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The current time as RFC 3339 in UTC, to the second.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

impl Project {
    /// An empty project created now.
    pub fn new(name: String, annotator: String, schema: Schema) -> Self {
        let now = now_rfc3339();
        Self {
            name,
            annotator,
            created: now.clone(),
            modified: now,
            schema,
            dictionary: Vec::new(),
            learning: true,
            documents: Vec::new(),
            positions: HashMap::new(),
            changes: Changes::default(),
        }
    }

    /// A project from its parts as read from a file; call [`Project::problems`] before trusting
    /// it. Annotation order is normalised here.
    pub fn from_parts(
        name: String,
        annotator: String,
        created: String,
        modified: String,
        schema: Schema,
        mut documents: Vec<Document>,
    ) -> Self {
        documents.iter_mut().for_each(Document::normalize_order);
        let mut project = Self {
            name,
            annotator,
            created,
            modified,
            schema,
            dictionary: Vec::new(),
            learning: true,
            documents,
            positions: HashMap::new(),
            changes: Changes::default(),
        };
        project.reindex_from(0);
        project
    }

    /// The project with the dictionary read from its file; like [`Project::from_parts`],
    /// check [`Project::problems`] before trusting it.
    pub fn with_dictionary(mut self, dictionary: Vec<DictionaryPattern>) -> Self {
        self.dictionary = dictionary;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn annotator(&self) -> &str {
        &self.annotator
    }
    pub fn created(&self) -> &str {
        &self.created
    }
    pub fn modified(&self) -> &str {
        &self.modified
    }
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }
    /// Whether pre-annotation learns from the project's reviewed documents.
    pub fn learning(&self) -> bool {
        self.learning
    }

    /// The project as read from a file, with learning on or off.
    pub fn with_learning(mut self, learning: bool) -> Self {
        self.learning = learning;
        self
    }

    /// The project dictionary's patterns (empty: none attached).
    pub fn dictionary(&self) -> &[DictionaryPattern] {
        &self.dictionary
    }

    pub fn document(&self, id: &str) -> Option<&Document> {
        self.position(id).map(|i| &self.documents[i])
    }

    /// The index of the document with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.positions.get(id).copied()
    }

    /// Records the positions of the documents from `start` on, after an insertion or removal
    /// there (appending costs O(1)).
    pub(super) fn reindex_from(&mut self, start: usize) {
        for i in start..self.documents.len() {
            let id = &self.documents[i].id;
            // A repeated id (an invalid file, which `problems` reports) keeps its first place.
            let earlier = self
                .positions
                .get(id)
                .is_some_and(|&at| at < i && self.documents[at].id == *id);
            if !earlier {
                self.positions.insert(id.clone(), i);
            }
        }
    }

    /// What changed since the project was last read from or written to a folder.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// Records that `folder`, whose document files end in `extension`, now holds the project
    /// as it is.
    pub fn set_saved_in(&mut self, folder: PathBuf, extension: &'static str) {
        self.changes = Changes {
            folder: Some(folder),
            extension,
            docs: HashSet::new(),
            manifest: false,
            partial: self.changes.partial,
        };
    }

    /// Marks the project as some documents of its folder, or (`false`) all of them (see
    /// [`Changes::partial`]).
    pub fn set_partial(&mut self, partial: bool) {
        self.changes.partial = partial;
    }

    /// Whether the project holds only some documents of its folder: it then refuses edits
    /// beyond one document's (see [`crate::model::EditError::Partial`]).
    pub fn is_partial(&self) -> bool {
        self.changes.partial
    }

    /// Appends documents read from the project's folder after it opened (see
    /// `formats::folder::open`). Not an edit: nothing to undo, nothing to save. Documents
    /// whose id the project already has are refused and given back.
    pub fn append_loaded(&mut self, documents: Vec<Document>) -> Vec<Document> {
        let mut refused = Vec::new();
        for mut doc in documents {
            if self.positions.contains_key(&doc.id) {
                refused.push(doc);
                continue;
            }
            doc.normalize_order();
            self.positions.insert(doc.id.clone(), self.documents.len());
            self.documents.push(doc);
        }
        refused
    }

    /// Stamps the project as modified now; called when it is saved.
    pub fn touch(&mut self) {
        self.modified = now_rfc3339();
    }

    /// Puts back a stamp, when a save that set it failed.
    pub fn set_modified(&mut self, stamp: String) {
        self.modified = stamp;
    }

    /// Every problem of the project: the schema's own, the dictionary's, duplicate document
    /// ids, and each document's (see [`Document::problems`]).
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems: Vec<Problem> = self
            .schema
            .problems()
            .into_iter()
            .map(|message| Problem {
                severity: Severity::Error,
                document: None,
                char_offset: None,
                message: format!("schema: {message}"),
            })
            .collect();
        for (name, stamp) in [("created", &self.created), ("modified", &self.modified)] {
            if humantime::parse_rfc3339(stamp).is_err() {
                problems.push(Problem {
                    severity: Severity::Error,
                    document: None,
                    char_offset: None,
                    message: format!("{name} time {stamp:?} is not an RFC 3339 time"),
                });
            }
        }
        problems.extend(
            self.dictionary
                .iter()
                .enumerate()
                .filter_map(|(i, pattern)| pattern.problem(i, &self.schema))
                .map(|message| Problem {
                    severity: Severity::Error,
                    document: None,
                    char_offset: None,
                    message,
                }),
        );
        let mut ids = HashSet::new();
        for doc in &self.documents {
            if !ids.insert(doc.id.as_str()) {
                problems.push(Problem {
                    severity: Severity::Error,
                    document: Some(doc.name.clone()),
                    char_offset: None,
                    message: format!("document id {:?} is used twice", doc.id),
                });
            }
            problems.extend(doc.problems(&self.schema));
        }
        problems
    }
}

/// Ids for documents about to join a project, each one new: `wanted` if free, else
/// `wanted-2`, `wanted-3`… Probing for a name resumes where it last stopped, so adding many
/// documents of one name costs O(n), not O(n²). An id is free only if no other differs from it
/// by ASCII case alone (`Report` and `report`), since a folder project's files would be one
/// where case does not count.
#[derive(Debug, Default)]
pub struct NewIds {
    /// The project's ids and those claimed, in ASCII lower case; filled at the first claim.
    taken: HashSet<String>,
    read_project: bool,
    next: HashMap<String, usize>,
}

impl NewIds {
    /// An id based on `wanted` that neither `project` nor an earlier claim has, whatever
    /// the case.
    pub fn claim(&mut self, project: &Project, wanted: &str) -> String {
        if !self.read_project {
            self.read_project = true;
            self.taken.extend(
                project
                    .documents()
                    .iter()
                    .map(|d| d.id().to_ascii_lowercase()),
            );
        }
        let taken = &self.taken;
        let free = |id: &str| !taken.contains(&id.to_ascii_lowercase());
        let id = if free(wanted) {
            wanted.to_owned()
        } else {
            let mut n = self.next.get(wanted).copied().unwrap_or(2);
            let id = loop {
                let id = format!("{wanted}-{n}");
                n += 1;
                if free(&id) {
                    break id;
                }
            };
            self.next.insert(wanted.to_owned(), n);
            id
        };
        self.taken.insert(id.to_ascii_lowercase());
        id
    }
}
