//! General knowledge of names and words for the learner: which words are given names,
//! surnames (by frequency), parts of place names, English words or proper nouns, and what kind
//! of thing WordNet says a noun names (a person, a group, a location, a communication…): the
//! head of `Southwest Conference` is a group, of `Rimington Trophy` an artifact. The rules do
//! not use these lists (they are too broad to propose names from); a model learns from the
//! project's reviewed work how much each is worth, which a few hundred reviewed entities
//! cannot teach about words they never showed. Sources and licences:
//! `assets/lexicons/knowledge/README.md`.

use std::sync::OnceLock;

use super::features::lower_hash;
use crate::annotate::lexicon::{FastMap, entries};

const FIRST_NAMES: &str = include_str!("../../../assets/lexicons/knowledge/first_names.txt");
const SURNAMES: &str = include_str!("../../../assets/lexicons/knowledge/surnames.txt");
const PLACES: &str = include_str!("../../../assets/lexicons/knowledge/places.txt");
const ENGLISH: &str = include_str!("../../../assets/lexicons/knowledge/english.txt");
const PROPER: &str = include_str!("../../../assets/lexicons/knowledge/proper.txt");
const WORDNET: &str = include_str!("../../../assets/lexicons/knowledge/wordnet.tsv");

/// What the lists say about a word (in any case), as bit flags.
pub(crate) mod bit {
    pub const FIRST_NAME: u16 = 1;
    /// Surnames by rank: the first 1,000, to 10,000, to 40,000.
    pub const SURNAME_COMMON: u16 = 1 << 1;
    pub const SURNAME: u16 = 1 << 2;
    pub const SURNAME_RARE: u16 = 1 << 3;
    /// A one-word place name, and the first and last words of longer ones.
    pub const PLACE: u16 = 1 << 4;
    pub const PLACE_FIRST: u16 = 1 << 5;
    pub const PLACE_LAST: u16 = 1 << 6;
    /// A lower-case English word (`meeting`, `bill`).
    pub const ENGLISH: u16 = 1 << 7;
    /// A capitalised entry of the English word list (`Bill`, `Texas`, `Kleenex`).
    pub const PROPER: u16 = 1 << 8;
}

/// What the lists say about one word.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Known {
    pub bits: u16,
    /// WordNet's lexicographer file (1-based in the order of `wordnet.tsv`'s names, 0 for
    /// none) of the word as a common noun, as a one-word proper noun, and as the first and
    /// the last word of a longer one.
    pub common: u8,
    pub proper: u8,
    pub proper_first: u8,
    pub proper_last: u8,
}

/// Word (lower-case hash, as [`super::features::lower_hash`]) to what the lists say of it.
pub(crate) struct Knowledge(FastMap<u64, Known>);

impl Knowledge {
    fn new() -> Self {
        // About 230,000 distinct words: sized once rather than grown.
        let mut words: FastMap<u64, Known> =
            FastMap::with_capacity_and_hasher(1 << 18, Default::default());
        fn entry<'m>(words: &'m mut FastMap<u64, Known>, word: &str) -> &'m mut Known {
            words.entry(lower_hash(word)).or_default()
        }
        let mut add = |word: &str, bits: u16| entry(&mut words, word).bits |= bits;
        for name in entries(FIRST_NAMES) {
            add(name, bit::FIRST_NAME);
        }
        for (rank, name) in entries(SURNAMES).enumerate() {
            let bits = match rank {
                0..1_000 => bit::SURNAME_COMMON,
                1_000..10_000 => bit::SURNAME,
                _ => bit::SURNAME_RARE,
            };
            add(name, bits);
        }
        for place in entries(PLACES) {
            let parts: Vec<&str> = place.split_whitespace().collect();
            match parts[..] {
                [one] => add(one, bit::PLACE),
                [first, .., last] => {
                    add(first, bit::PLACE_FIRST);
                    add(last, bit::PLACE_LAST);
                }
                [] => {}
            }
        }
        for word in entries(ENGLISH) {
            add(word, bit::ENGLISH);
        }
        for word in entries(PROPER) {
            add(word, bit::PROPER);
        }
        let mut files: Vec<&str> = Vec::new();
        for line in entries(WORDNET) {
            let Some((lemma, file)) = line.split_once('\t') else {
                continue;
            };
            let sense = match files.iter().position(|&f| f == file) {
                Some(i) => i + 1,
                None => {
                    files.push(file);
                    files.len()
                }
            } as u8;
            let parts: Vec<&str> = lemma.split_whitespace().collect();
            let proper = lemma.starts_with(char::is_uppercase);
            match parts[..] {
                [one] if proper => entry(&mut words, one).proper = sense,
                [one] => entry(&mut words, one).common = sense,
                [first, .., last] => {
                    entry(&mut words, first).proper_first = sense;
                    entry(&mut words, last).proper_last = sense;
                }
                [] => {}
            }
        }
        Self(words)
    }

    /// The shared lists, read on first use.
    pub(crate) fn get() -> &'static Self {
        static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
        KNOWLEDGE.get_or_init(Self::new)
    }

    /// What the lists say of the word whose lower-case hash is `lower`.
    pub(crate) fn of(&self, lower: u64) -> Known {
        self.0.get(&lower).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_get_what_the_lists_say() {
        let k = Knowledge::get();
        let bits = |w: &str| k.of(lower_hash(w)).bits;
        assert_ne!(bits("Jennifer") & bit::FIRST_NAME, 0);
        assert_ne!(bits("SMITH") & bit::SURNAME_COMMON, 0);
        assert_ne!(bits("Chiang") & bit::PLACE_FIRST, 0);
        assert_ne!(bits("Gazipur") & bit::PLACE, 0);
        assert_ne!(bits("Meeting") & bit::ENGLISH, 0);
        assert_eq!(bits("Meeting") & (bit::FIRST_NAME | bit::PLACE), 0);
        assert_eq!(k.of(lower_hash("qzxv")), Known::default());
    }

    #[test]
    fn wordnet_tells_kinds_of_things_apart() {
        let k = Knowledge::get();
        let common = |w: &str| k.of(lower_hash(w)).common;
        assert_eq!(common("conference"), common("league"));
        assert_ne!(common("conference"), common("hall"));
        assert_ne!(common("conference"), 0);
        let latin = k.of(lower_hash("Latin"));
        assert_ne!(latin.proper, 0);
        assert_eq!(k.of(lower_hash("Domesday")).proper_first, latin.proper);
    }
}
