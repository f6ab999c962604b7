//! A project dictionary: JSONL patterns in the style of spaCy's EntityRuler, one per line:
//! `{"label": "ORG", "pattern": "Nikkei Asia"}` (exact text, token by token) or
//! `{"label": "ORG", "pattern": [{"lower": "nikkei"}, {"lower": "asia"}]}` (per token, `lower`
//! compares case-insensitively, `text` exactly). Whitespace between tokens never matters.

use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

use super::Doc;
use super::entities::Candidate;
use super::lexicon::{FastMap, intern};
use super::tokenize;
use crate::model::{self, DictionaryPattern, TokenPattern};

/// The rule name of dictionary proposals.
pub(crate) const RULE: &str = "dictionary";

#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    #[error("dictionary line {line}: {message}")]
    Line { line: usize, message: String },
}

/// One token of a pattern.
#[derive(Clone, Debug, PartialEq)]
enum TokenMatch {
    Lower(String),
    Text(String),
}

#[derive(Clone, Debug)]
struct Pattern {
    label: &'static str,
    tokens: Vec<TokenMatch>,
}

/// Compiled dictionary patterns, indexed by their first token in lower case.
#[derive(Clone, Debug, Default)]
pub struct Dictionary {
    patterns: Vec<Pattern>,
    by_first: FastMap<String, Vec<usize>>,
}

#[derive(Deserialize)]
struct Line {
    label: String,
    pattern: PatternSpec,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PatternSpec {
    Phrase(String),
    Tokens(Vec<serde_json::Map<String, serde_json::Value>>),
}

impl Dictionary {
    /// Parses a JSONL dictionary; blank lines are skipped.
    pub fn from_jsonl(text: &str) -> Result<Self, DictionaryError> {
        Ok(Self::new(&Self::parse_jsonl(text)?))
    }

    /// Reads a JSONL dictionary file into the patterns a project keeps; errors name the file,
    /// and the line when one is wrong.
    pub fn read_patterns(path: &Path) -> anyhow::Result<Vec<DictionaryPattern>> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading dictionary {}", path.display()))?;
        Self::parse_jsonl(&text).with_context(|| format!("dictionary {}", path.display()))
    }

    /// Reads a JSONL dictionary into the patterns a project keeps; errors name the line.
    pub fn parse_jsonl(text: &str) -> Result<Vec<DictionaryPattern>, DictionaryError> {
        let mut patterns = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let err = |message: String| DictionaryError::Line {
                line: n + 1,
                message,
            };
            if line.trim().is_empty() {
                continue;
            }
            let parsed: Line = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
            let pattern = match parsed.pattern {
                PatternSpec::Phrase(phrase) => model::Pattern::Phrase(phrase),
                PatternSpec::Tokens(specs) => model::Pattern::Tokens(
                    specs
                        .iter()
                        .map(|spec| token_pattern(spec).map_err(&err))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
            };
            let pattern = DictionaryPattern {
                label: parsed.label,
                pattern,
            };
            if let Some(problem) = pattern.shape_problem() {
                return Err(err(problem.to_owned()));
            }
            if compile(&pattern).is_empty() {
                return Err(err("the pattern is empty".to_owned()));
            }
            patterns.push(pattern);
        }
        Ok(patterns)
    }

    /// Compiles a project's patterns. One that yields no tokens (a phrase of nothing but
    /// characters the tokenizer skips) can never match, so it is left out.
    pub fn new(patterns: &[DictionaryPattern]) -> Self {
        let mut dictionary = Dictionary::default();
        for pattern in patterns {
            let tokens = compile(pattern);
            let Some(first) = tokens.first() else {
                continue;
            };
            let key = match first {
                TokenMatch::Lower(s) | TokenMatch::Text(s) => s.to_lowercase(),
            };
            dictionary
                .by_first
                .entry(key)
                .or_default()
                .push(dictionary.patterns.len());
            dictionary.patterns.push(Pattern {
                label: intern(&pattern.label),
                tokens,
            });
        }
        dictionary
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The labels the patterns give, with repeats.
    pub(crate) fn labels(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.patterns.iter().map(|p| p.label)
    }

    /// Adds a candidate for every match, longest pattern first at each token.
    pub(crate) fn find(&self, doc: &Doc, out: &mut Vec<Candidate>) {
        let mut lower = String::new();
        for i in 0..doc.tokens.len() {
            lower.clear();
            lower.extend(doc.word(i).chars().flat_map(char::to_lowercase));
            let Some(candidates) = self.by_first.get(&lower) else {
                continue;
            };
            for &p in candidates {
                let pattern = &self.patterns[p];
                let end = i + pattern.tokens.len();
                if end > doc.tokens.len() {
                    continue;
                }
                let matches = pattern.tokens.iter().enumerate().all(|(k, m)| {
                    let word = doc.word(i + k);
                    match m {
                        TokenMatch::Text(s) => word == s,
                        TokenMatch::Lower(s) => word.to_lowercase() == *s,
                    }
                });
                if matches {
                    out.push(Candidate {
                        start: i,
                        end,
                        label: pattern.label,
                        rule: RULE,
                        score: 1.0,
                        priority: 4,
                    });
                }
            }
        }
    }
}

/// The tokens a pattern matches: a phrase as the tokenizer splits it, exactly; token
/// patterns as given, `lower` ones lower-cased.
fn compile(pattern: &DictionaryPattern) -> Vec<TokenMatch> {
    match &pattern.pattern {
        model::Pattern::Phrase(phrase) => tokenize(phrase)
            .iter()
            .map(|t| TokenMatch::Text(t.text(phrase).to_owned()))
            .collect(),
        model::Pattern::Tokens(tokens) => tokens
            .iter()
            .map(|t| match t {
                TokenPattern::Lower(s) => TokenMatch::Lower(s.to_lowercase()),
                TokenPattern::Text(s) => TokenMatch::Text(s.clone()),
            })
            .collect(),
    }
}

fn token_pattern(
    spec: &serde_json::Map<String, serde_json::Value>,
) -> Result<TokenPattern, String> {
    for (key, value) in spec {
        let Some(value) = value.as_str() else {
            return Err(format!("token pattern {key:?} must be a string"));
        };
        match key.to_ascii_lowercase().as_str() {
            "lower" => return Ok(TokenPattern::Lower(value.to_lowercase())),
            "text" | "orth" => return Ok(TokenPattern::Text(value.to_owned())),
            _ => {}
        }
    }
    Err("a token pattern needs \"lower\" or \"text\"".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_phrases_and_token_patterns() {
        let dictionary = Dictionary::from_jsonl(
            "{\"label\": \"ORG\", \"pattern\": \"Nikkei Asia\"}\n\n\
             {\"label\": \"ORG\", \"pattern\": [{\"lower\": \"harbor\"}, {\"LOWER\": \"daily\"}]}\n",
        )
        .expect("valid");
        assert_eq!(dictionary.len(), 2);
        assert_eq!(
            dictionary.patterns[1].tokens,
            [
                TokenMatch::Lower("harbor".into()),
                TokenMatch::Lower("daily".into())
            ]
        );
        let err = Dictionary::from_jsonl("{\"label\": \"ORG\", \"pattern\": [{\"shape\": \"X\"}]}")
            .expect_err("unsupported key");
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
