//! A project dictionary: patterns that name entities, attached to a project so that its file is
//! self-contained. Plain data here, checked like every other part of a project; the engine
//! compiles the patterns (`annotate::Dictionary::new`) and its matches win over its own rules.

use serde::{Deserialize, Serialize};

use super::{EntityLabel, Schema};

/// One pattern: wherever it matches whole tokens, the text is an entity with `label`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DictionaryPattern {
    pub label: String,
    pub pattern: Pattern,
}

/// What a [`DictionaryPattern`] matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Pattern {
    /// This exact text, token by token; whitespace between tokens does not matter.
    Phrase(String),
    /// One matcher per token.
    Tokens(Vec<TokenPattern>),
}

/// How one token of a [`Pattern::Tokens`] matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TokenPattern {
    /// The token, lower-cased, equals this lower-case text: case-insensitive.
    Lower(String),
    /// The token equals this text exactly.
    Text(String),
}

impl DictionaryPattern {
    /// What makes the pattern unusable whatever the schema: an empty label, phrase or token.
    pub fn shape_problem(&self) -> Option<&'static str> {
        if self.label.trim().is_empty() {
            return Some("the label is empty");
        }
        match &self.pattern {
            Pattern::Phrase(text) if text.trim().is_empty() => Some("the pattern is empty"),
            Pattern::Tokens(tokens) if tokens.is_empty() => Some("the pattern is empty"),
            Pattern::Tokens(tokens)
                if tokens.iter().any(|t| match t {
                    TokenPattern::Lower(s) | TokenPattern::Text(s) => s.trim().is_empty(),
                }) =>
            {
                Some("a token pattern is empty")
            }
            _ => None,
        }
    }

    /// What is wrong with the pattern in a project with `schema`, named so that the user finds
    /// it: `dictionary pattern 3 ("Nikkei Asia" ORG): …`. `index` counts from 0.
    pub fn problem(&self, index: usize, schema: &Schema) -> Option<String> {
        let problem = match self.shape_problem() {
            Some(problem) => problem.to_owned(),
            None if schema.entity_label(&self.label).is_none() => {
                format!("label {:?} is not in the schema", self.label)
            }
            None => return None,
        };
        let label = if self.label.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", self.label)
        };
        Some(format!(
            "dictionary pattern {} ({}{label}): {problem}",
            index + 1,
            self.describe(),
        ))
    }

    /// The pattern as a reader would write it: `"Nikkei Asia"`, `[lower "nikkei", "Asia"]`.
    pub fn describe(&self) -> String {
        match &self.pattern {
            Pattern::Phrase(text) => format!("{text:?}"),
            Pattern::Tokens(tokens) => {
                let tokens: Vec<String> = tokens
                    .iter()
                    .map(|t| match t {
                        TokenPattern::Lower(s) => format!("lower {s:?}"),
                        TokenPattern::Text(s) => format!("{s:?}"),
                    })
                    .collect();
                format!("[{}]", tokens.join(", "))
            }
        }
    }
}

/// The labels `patterns` use that `schema` does not define, each once, in order of first use.
pub fn missing_labels(schema: &Schema, patterns: &[DictionaryPattern]) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    for pattern in patterns {
        if schema.entity_label(&pattern.label).is_none() && !missing.contains(&pattern.label) {
            missing.push(pattern.label.clone());
        }
    }
    missing
}

/// Each label `patterns` use, with how many patterns use it, in order of first use.
pub fn label_counts(patterns: &[DictionaryPattern]) -> Vec<(&str, usize)> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for pattern in patterns {
        match counts.iter_mut().find(|(label, _)| *label == pattern.label) {
            Some((_, count)) => *count += 1,
            None => counts.push((&pattern.label, 1)),
        }
    }
    counts
}

/// How attaching a dictionary changes a project: [`plan_dictionary`].
#[derive(Debug)]
pub struct DictionaryPlan {
    /// One edit: the missing labels added, then the dictionary set.
    pub edit: super::Edit,
    /// The labels the schema lacked, which `edit` adds.
    pub missing_labels: Vec<String>,
}

/// Plans attaching `patterns` (replacing any dictionary) to a project with `schema`: labels
/// the schema lacks are added like an import adds them (grey, no hotkey), in the same edit, so
/// one undo takes back both. Callers that must not extend the schema refuse when
/// `missing_labels` is not empty.
pub fn plan_dictionary(schema: &Schema, patterns: Vec<DictionaryPattern>) -> DictionaryPlan {
    let missing_labels = missing_labels(schema, &patterns);
    let mut edits: Vec<super::Edit> = missing_labels
        .iter()
        .map(|name| super::Edit::AddEntityLabel {
            label: EntityLabel::plain(name),
        })
        .collect();
    edits.push(super::Edit::SetDictionary { patterns });
    DictionaryPlan {
        edit: super::Edit::Batch(edits),
        missing_labels,
    }
}
