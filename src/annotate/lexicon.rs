//! The lexicons compiled into the binary (`assets/lexicons/`) and the lookups built from them
//! once per [`crate::annotate::Engine`]: an Aho-Corasick automaton for multi-word names and
//! one hash map from a token's text to everything the rules need to know about that word.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, PoisonError};

use aho_corasick::{MatchKind, StartKind, dfa::DFA};

/// A multiply-rotate hash over 8-byte words (as rustc's FxHash): the word map is hit once
/// per token, and std's SipHash costs more than the rest of the lookup for short keys. Not
/// DoS-resistant, which is fine for maps keyed by our own lexicon and one document's words.
#[derive(Default)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(tail_word(rest));
        }
    }
    #[inline]
    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }
}

/// The bytes of a chunk shorter than 8 as a zero-padded little-endian word, read with two
/// overlapping loads instead of a byte loop or a `memcpy` call.
#[inline]
fn tail_word(rest: &[u8]) -> u64 {
    let n = rest.len();
    let u32_at = |i: usize| {
        u64::from(u32::from_le_bytes([
            rest[i],
            rest[i + 1],
            rest[i + 2],
            rest[i + 3],
        ]))
    };
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([rest[i], rest[i + 1]]));
    if n >= 4 {
        u32_at(0) | u32_at(n - 4) << (8 * (n - 4))
    } else if n >= 2 {
        u16_at(0) | u16_at(n - 2) << (8 * (n - 2))
    } else {
        u64::from(rest[0])
    }
}

/// The hash `FastMap` gives a `str` key, computed once per token and shared by the word table
/// and the document's filter of lower-case words. For words of up to 8 bytes it is one-to-one
/// among words of one length: the bytes are one zero-padded number, and both steps multiply by
/// an odd constant after a rotation and an xor, all invertible.
#[inline]
pub(crate) fn hash_word(word: &[u8]) -> u64 {
    let mut hasher = FastHasher::default();
    hasher.write(word);
    // What `str`'s `Hash` adds after the bytes.
    hasher.write_u8(0xff);
    hasher.finish()
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The entity labels the built-in rules produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Label {
    Per,
    Org,
    Gpe,
    Loc,
    Fac,
    Norp,
    Event,
    Date,
    Time,
    Money,
    Percent,
}

impl Label {
    pub(crate) const ALL: [Label; 11] = [
        Label::Per,
        Label::Org,
        Label::Gpe,
        Label::Loc,
        Label::Fac,
        Label::Norp,
        Label::Event,
        Label::Date,
        Label::Time,
        Label::Money,
        Label::Percent,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Label::Per => "PER",
            Label::Org => "ORG",
            Label::Gpe => "GPE",
            Label::Loc => "LOC",
            Label::Fac => "FAC",
            Label::Norp => "NORP",
            Label::Event => "EVENT",
            Label::Date => "DATE",
            Label::Time => "TIME",
            Label::Money => "MONEY",
            Label::Percent => "PERCENT",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "PER" => Label::Per,
            "ORG" => Label::Org,
            "GPE" => Label::Gpe,
            "LOC" => Label::Loc,
            "FAC" => Label::Fac,
            "NORP" => Label::Norp,
            "EVENT" => Label::Event,
            _ => return None,
        })
    }
}

/// Word classes, as bit flags of [`WordInfo::flags`].
pub(crate) mod flag {
    /// Determiners, pronouns, prepositions, conjunctions, auxiliaries, sentence adverbs, and
    /// page and feed furniture (`Share`, `LIVE`, `RT`): never a name on their own.
    pub const FUNCTION: u32 = 1;
    /// A position or honorific (`Minister`, `Dr.`): a name after it is a person.
    pub const TITLE: u32 = 1 << 1;
    pub const FIRST_NAME: u32 = 1 << 2;
    pub const WEEKDAY: u32 = 1 << 3;
    pub const MONTH: u32 = 1 << 4;
    /// `day`, `weeks`, `year`…
    pub const DATE_UNIT: u32 = 1 << 5;
    /// `this`, `last`, `next`, `past`, `coming`, `early`, `late`…: before a date unit.
    pub const RELATIVE: u32 = 1 << 6;
    /// `morning`, `afternoon`, `evening`, `night`.
    pub const PART_OF_DAY: u32 = 1 << 7;
    /// `million`, `billion`…
    pub const SCALE: u32 = 1 << 8;
    /// `dollars`, `won`, `yen`…
    pub const CURRENCY: u32 = 1 << 9;
    /// `percent`, `pct`.
    pub const PERCENT: u32 = 1 << 10;
    /// `one` … `twelve`, `twenty`, `dozens`…
    pub const NUMBER_WORD: u32 = 1 << 11;
    /// `a.m.`, `p.m.`.
    pub const AM_PM: u32 = 1 << 12;
    /// `KST`, `GMT`, `UTC`…
    pub const TIMEZONE: u32 = 1 << 13;
    /// `said`, `says`, `told`, `added`: the subject or object is often a person.
    pub const SPEECH: u32 = 1 << 14;
    /// Particles inside names: `de`, `van`, `von`, `bin`, `al`.
    pub const PARTICLE: u32 = 1 << 15;
    /// `today`, `yesterday`, `tomorrow`, `tonight`: dates on their own.
    pub const DAY_WORD: u32 = 1 << 16;
    /// `in`, `at`, `from`, `near`, `to`: before a place.
    pub const PLACE_PREP: u32 = 1 << 17;
    /// Pronouns that make a following ambiguous trigger a verb (`he talks`).
    pub const PRONOUN: u32 = 1 << 18;
    /// `minutes`, `hours`: a number of them is a TIME.
    pub const TIME_UNIT: u32 = 1 << 19;
}

/// What the rules know about one word form.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WordInfo {
    pub flags: u32,
    /// The label a name ending with this word gets (`Bank` -> ORG).
    pub head: Option<Label>,
    /// The same for a head's plural, which heads a name only before `of` or `for`
    /// (`Centers for Disease Control`): at the end of one it is a surname (`Tyra Banks`).
    pub plural_head: Option<Label>,
    /// 1-based month number for month names.
    pub month: u8,
    /// Index + 1 into [`Lexicon::triggers`] of the triggers this word starts; 0 for none.
    pub triggers: u16,
}

impl WordInfo {
    pub(crate) fn has(&self, flags: u32) -> bool {
        self.flags & flags != 0
    }
}

/// An event trigger entry: this word, optionally followed by more words, evokes `event_type`.
#[derive(Clone, Debug)]
pub(crate) struct Trigger {
    /// Words that must follow the first one (`sworn` + `in`), lower case.
    pub rest: Vec<String>,
    pub event_type: &'static str,
    /// Nouns need a determiner-like context check; verbs a subject check.
    pub noun: bool,
    pub score: f32,
}

/// A name from a gazetteer file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GazetteerEntry {
    pub label: Label,
    pub source: &'static str,
}

/// The word table: open addressing with linear probing over [`hash_word`], at most half
/// full, so that a lookup costs the token's hash (shared with the document's word filter)
/// and usually one probe.
struct WordTable {
    /// Index + 1 into `entries`, 0 for an empty slot; a word's first slot is its hash's top bits.
    slots: Box<[u32]>,
    shift: u32,
    entries: Vec<(u64, Box<str>, WordInfo)>,
}

impl WordTable {
    fn new(words: FastMap<String, WordInfo>) -> Self {
        let size = (words.len() * 2).next_power_of_two().max(2);
        let shift = 64 - size.trailing_zeros();
        let mut slots = vec![0; size].into_boxed_slice();
        let mut entries = Vec::with_capacity(words.len());
        for (word, info) in words {
            let hash = hash_word(word.as_bytes());
            let mut i = (hash >> shift) as usize;
            while slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            entries.push((hash, word.into_boxed_str(), info));
            slots[i] = entries.len() as u32;
        }
        Self {
            slots,
            shift,
            entries,
        }
    }

    #[inline]
    fn get(&self, word: &str, hash: u64) -> Option<WordInfo> {
        let mask = self.slots.len() - 1;
        let mut i = (hash >> self.shift) as usize;
        loop {
            // An empty slot (0) wraps to an index past the end: not found.
            let (h, w, info) = self.entries.get((self.slots[i] as usize).wrapping_sub(1))?;
            // Words of up to 8 bytes hash one-to-one for a given length (see `hash_word`), so
            // their text needs no comparison.
            if *h == hash && w.len() == word.len() && (word.len() <= 8 || **w == *word) {
                return Some(*info);
            }
            i = (i + 1) & mask;
        }
    }
}

/// The compiled lexicons.
pub(crate) struct Lexicon {
    words: WordTable,
    pub triggers: Vec<Vec<Trigger>>,
    /// The DFA itself rather than an `AhoCorasick`, so that searches, one per capitalised
    /// token, are direct calls.
    pub gazetteer: DFA,
    pub gazetteer_entries: Vec<GazetteerEntry>,
    /// Bit `(a << 8) | b` is set when some gazetteer name begins with the bytes `a b` (or is
    /// the single byte `a`): only tokens starting so are searched. Two bytes rather than one
    /// keep `a`, `d` and `e` (from `al-Qaeda`, `dpa`, `eBay`) from sending every `and`, `deal`
    /// and `economy` to the automaton.
    name_starts: Box<[u64; 1024]>,
}

const GAZETTEERS: &[(&str, Label, &str)] = &[
    (
        "countries",
        Label::Gpe,
        include_str!("../../assets/lexicons/countries.txt"),
    ),
    (
        "cities",
        Label::Gpe,
        include_str!("../../assets/lexicons/cities.txt"),
    ),
    (
        "regions",
        Label::Gpe,
        include_str!("../../assets/lexicons/regions.txt"),
    ),
    (
        "locations",
        Label::Loc,
        include_str!("../../assets/lexicons/locations.txt"),
    ),
    (
        "nationalities",
        Label::Norp,
        include_str!("../../assets/lexicons/nationalities.txt"),
    ),
    (
        "organizations",
        Label::Org,
        include_str!("../../assets/lexicons/organizations.txt"),
    ),
    (
        "media",
        Label::Org,
        include_str!("../../assets/lexicons/media.txt"),
    ),
    (
        "facilities",
        Label::Fac,
        include_str!("../../assets/lexicons/facilities.txt"),
    ),
    (
        "events",
        Label::Event,
        include_str!("../../assets/lexicons/events.txt"),
    ),
];

const FIRST_NAMES: &str = include_str!("../../assets/lexicons/first_names.txt");
const TITLES: &str = include_str!("../../assets/lexicons/titles.txt");
const HEADS: &str = include_str!("../../assets/lexicons/heads.tsv");
const TRIGGERS: &str = include_str!("../../assets/lexicons/triggers.tsv");

/// Closed word classes: grammar rather than knowledge, so they live here.
const WORD_CLASSES: &[(u32, &str)] = &[
    (
        flag::FUNCTION,
        "a an the this that these those there here it its it's he she they we i you his her \
         their our my your them him us me who whom whose which what when where why how \
         and or but nor so yet if then than as at by for from in into of off on onto out over \
         to up with within without about above across after against along among around before \
         behind below beneath beside between beyond during except inside near outside since \
         through throughout toward towards under until upon via is are was were be been being \
         am do does did done have has had having will would shall should can could may might \
         must not no yes all any both each every few many more most much other some such only \
         own same too very also just still even ever never now then however meanwhile moreover \
         furthermore although though while because unless whether after again once already \
         perhaps maybe instead otherwise thus therefore hence indeed nevertheless nonetheless \
         several one two three four five six seven eight nine ten first second third last next \
         new old many according despite please thanks related share comments home updated \
         read more see also click follow like hi hello hey welcome congratulations watch \
         listen live video videos breaking update updates photo photos pic pics exclusive rt \
         icymi via win report opinion analysis editorial ai gdp ipo ev tv pc it hr pr ok faq \
         dna covid",
    ),
    (
        flag::WEEKDAY,
        "monday tuesday wednesday thursday friday saturday sunday mon. tue. tues. wed. thu. \
         thurs. fri. sat. sun.",
    ),
    (
        flag::DATE_UNIT,
        "day days week weeks weekend month months year years decade decades century centuries \
         quarter quarters season",
    ),
    (
        flag::RELATIVE,
        "this last next past coming previous following early late mid earlier later",
    ),
    (
        flag::PART_OF_DAY,
        "morning afternoon evening night overnight",
    ),
    (flag::SCALE, "thousand million billion trillion bn mn"),
    (
        flag::CURRENCY,
        "dollar dollars euro euros pound pounds sterling yen yuan renminbi won rupee rupees \
         ruble rubles rouble roubles franc francs peso pesos real reais rand ringgit baht dong \
         lira cents pence dinar dinars dirham dirhams riyal riyals shekel shekels",
    ),
    (flag::PERCENT, "percent per-cent pct"),
    (
        flag::NUMBER_WORD,
        "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty \
         forty fifty hundred several few dozen dozens hundreds thousands",
    ),
    (flag::AM_PM, "a.m. p.m. am pm"),
    (
        flag::TIMEZONE,
        "kst jst gmt utc bst cet cest est edt pst pdt et pt ct",
    ),
    (
        flag::SPEECH,
        "said says told added wrote asked warned noted stressed explained insisted argued \
         announced",
    ),
    (
        flag::PARTICLE,
        "de da del della der den di du la le van von bin ibn al el dos das y",
    ),
    (flag::DAY_WORD, "today yesterday tomorrow tonight"),
    (flag::TIME_UNIT, "minute minutes hour hours second seconds"),
    (
        flag::PLACE_PREP,
        "in at from near to into across inside outside toward towards via",
    ),
    (flag::PRONOUN, "he she it they we i you who which that"),
];

const MONTHS: &[(&str, u8)] = &[
    ("january", 1),
    ("jan.", 1),
    ("february", 2),
    ("feb.", 2),
    ("march", 3),
    ("mar.", 3),
    ("april", 4),
    ("apr.", 4),
    ("may", 5),
    ("june", 6),
    ("jun.", 6),
    ("july", 7),
    ("jul.", 7),
    ("august", 8),
    ("aug.", 8),
    ("september", 9),
    ("sep.", 9),
    ("sept.", 9),
    ("october", 10),
    ("oct.", 10),
    ("november", 11),
    ("nov.", 11),
    ("december", 12),
    ("dec.", 12),
];

/// Lines of a lexicon file without comments and blank lines.
pub(crate) fn entries(file: &'static str) -> impl Iterator<Item = &'static str> {
    file.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// `word`, `Word` and `WORD`: closed-class words match in any of the three cases.
fn case_variants(lower: &str) -> [String; 3] {
    let mut title = String::with_capacity(lower.len());
    let mut chars = lower.chars();
    if let Some(first) = chars.next() {
        title.extend(first.to_uppercase());
        title.push_str(chars.as_str());
    }
    [lower.to_owned(), title, lower.to_uppercase()]
}

impl Lexicon {
    pub(crate) fn new() -> Self {
        let mut words: FastMap<String, WordInfo> = FastMap::default();
        let mut add_any_case = |word: &str, f: &mut dyn FnMut(&mut WordInfo)| {
            for form in case_variants(&word.to_lowercase()) {
                f(words.entry(form).or_default());
            }
        };
        for &(bits, list) in WORD_CLASSES {
            for word in list.split_whitespace() {
                add_any_case(word, &mut |w| w.flags |= bits);
            }
        }
        for &(name, month) in MONTHS {
            add_any_case(name, &mut |w| {
                w.flags |= flag::MONTH;
                w.month = month;
            });
        }
        for title in entries(TITLES) {
            add_any_case(title, &mut |w| w.flags |= flag::TITLE);
        }
        let mut plurals = Vec::new();
        for line in entries(HEADS) {
            if let Some((label, word)) = line.split_once('\t')
                && let Some(label) = Label::parse(label.trim())
            {
                // Heads are capitalised inside names: exact form only, and the plural.
                let word = word.trim();
                words.entry(word.to_owned()).or_default().head = Some(label);
                plurals.push((plural(word), label));
            }
        }
        for (word, label) in plurals {
            words.entry(word).or_default().plural_head = Some(label);
        }
        for name in entries(FIRST_NAMES) {
            words.entry(name.to_owned()).or_default().flags |= flag::FIRST_NAME;
        }
        let mut triggers: Vec<Vec<Trigger>> = Vec::new();
        for line in entries(TRIGGERS) {
            let mut fields = line.split('\t');
            let (Some(form), Some(event_type), Some(kind)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            let score = fields
                .next()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0.7);
            let mut parts = form.split_whitespace();
            let Some(first) = parts.next() else {
                continue;
            };
            let trigger = Trigger {
                rest: parts.map(str::to_lowercase).collect(),
                event_type: intern_event_type(event_type.trim()),
                noun: kind.trim() == "N",
                score,
            };
            for variant in case_variants(&first.to_lowercase()) {
                let info = words.entry(variant).or_default();
                if info.triggers == 0 {
                    triggers.push(Vec::new());
                    info.triggers = triggers.len() as u16;
                }
                triggers[usize::from(info.triggers) - 1].push(trigger.clone());
            }
        }
        let mut patterns = Vec::new();
        let mut gazetteer_entries = Vec::new();
        let mut name_starts = Box::new([0u64; 1024]);
        let mut mark = |pair: usize| name_starts[pair / 64] |= 1 << (pair % 64);
        for &(source, label, file) in GAZETTEERS {
            for name in entries(file) {
                match *name.as_bytes() {
                    [a, b, ..] => mark(usize::from(a) << 8 | usize::from(b)),
                    [a] => (0..256).for_each(|b| mark(usize::from(a) << 8 | b)),
                    [] => {}
                }
                patterns.push(name);
                gazetteer_entries.push(GazetteerEntry { label, source });
            }
        }
        let gazetteer = DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(&patterns)
            .expect("the gazetteer patterns are a fixed, valid set");
        Self {
            words: WordTable::new(words),
            triggers,
            gazetteer,
            gazetteer_entries,
            name_starts,
        }
    }

    /// True when a gazetteer name may begin at the start of `text`.
    #[inline]
    pub(crate) fn starts_name(&self, text: &[u8]) -> bool {
        let pair = match *text {
            [a, b, ..] => usize::from(a) << 8 | usize::from(b),
            [a] => usize::from(a) << 8,
            [] => return false,
        };
        self.name_starts[pair / 64] & 1 << (pair % 64) != 0
    }

    /// What the rules know about a token's text (a hashtag or mention without its sign).
    /// A hyphenated word unknown as a whole is a title when its last part is one
    /// (`Director-General`).
    pub(crate) fn info(&self, word: &str) -> WordInfo {
        self.info_hashed(word, hash_word(word.as_bytes()))
    }

    /// [`Lexicon::info`] for a word whose [`hash_word`] is known.
    #[inline]
    pub(crate) fn info_hashed(&self, word: &str, hash: u64) -> WordInfo {
        match self.words.get(word, hash) {
            Some(info) => info,
            None if word.as_bytes().first().is_some_and(u8::is_ascii_uppercase) => {
                self.hyphenated_title(word)
            }
            None => WordInfo::default(),
        }
    }

    /// `Director-General`: a title by its last part. Out of line: most capitalised words the
    /// lexicon does not know are names without a hyphen.
    #[inline(never)]
    fn hyphenated_title(&self, word: &str) -> WordInfo {
        // A byte scan: shorter than a `memrchr` call for a word.
        let last = word
            .bytes()
            .rposition(|b| b == b'-')
            .map(|hyphen| &word[hyphen + 1..]);
        match last {
            Some(last) if self.info_exact(last).has(flag::TITLE) => WordInfo {
                flags: flag::TITLE,
                ..WordInfo::default()
            },
            _ => WordInfo::default(),
        }
    }

    fn info_exact(&self, word: &str) -> WordInfo {
        self.words
            .get(word, hash_word(word.as_bytes()))
            .unwrap_or_default()
    }
}

/// The English plural of a head word: `Center` -> `Centers`, `Agency` -> `Agencies`,
/// `Church` -> `Churches`.
fn plural(word: &str) -> String {
    let vowel_before_y = word
        .len()
        .checked_sub(2)
        .and_then(|i| word.as_bytes().get(i))
        .is_some_and(|b| b"aeiou".contains(b));
    if let Some(stem) = word.strip_suffix('y').filter(|_| !vowel_before_y) {
        format!("{stem}ies")
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// `name` as a `'static` string, leaked once per process, so that proposals carry the names of
/// a dictionary's labels and a schema's roles without allocating per span. Such names come
/// from schemas and dictionaries, so they are few.
pub(crate) fn intern(name: &str) -> &'static str {
    static INTERNED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut interned = INTERNED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = interned.iter().find(|s| **s == name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.into());
    interned.push(leaked);
    leaked
}

/// Event type names as `'static` strings, so proposals do not allocate per trigger.
fn intern_event_type(name: &str) -> &'static str {
    EVENT_TYPES
        .iter()
        .copied()
        .find(|t| *t == name)
        .unwrap_or("Contact:Meet")
}

/// The ACE 2005 types of the default schema that the trigger lexicon may name.
const EVENT_TYPES: &[&str] = &[
    "Life:Be-Born",
    "Life:Marry",
    "Life:Divorce",
    "Life:Injure",
    "Life:Die",
    "Movement:Transport",
    "Transaction:Transfer-Ownership",
    "Transaction:Transfer-Money",
    "Business:Start-Org",
    "Business:Merge-Org",
    "Business:Declare-Bankruptcy",
    "Business:End-Org",
    "Conflict:Attack",
    "Conflict:Demonstrate",
    "Contact:Meet",
    "Contact:Phone-Write",
    "Personnel:Start-Position",
    "Personnel:End-Position",
    "Personnel:Nominate",
    "Personnel:Elect",
    "Justice:Arrest-Jail",
    "Justice:Release-Parole",
    "Justice:Trial-Hearing",
    "Justice:Charge-Indict",
    "Justice:Sue",
    "Justice:Convict",
    "Justice:Sentence",
    "Justice:Fine",
    "Justice:Execute",
    "Justice:Extradite",
    "Justice:Acquit",
    "Justice:Appeal",
    "Justice:Pardon",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_hash_one_to_one() {
        // The word table compares no text for words of up to 8 bytes: distinct words of one
        // length must never share a hash. All 3-letter words, and 8-byte words differing in
        // one byte at each position.
        let mut seen = std::collections::HashSet::new();
        for a in b'a'..=b'z' {
            for b in b'A'..=b'z' {
                for c in b'a'..=b'z' {
                    assert!(
                        seen.insert(hash_word(&[a, b, c])),
                        "{}",
                        [a, b, c].escape_ascii()
                    );
                }
            }
        }
        seen.clear();
        for at in 0..8 {
            for byte in 1..=255u8 {
                let mut word = *b"Minister";
                word[at] = byte;
                seen.insert(hash_word(&word));
            }
        }
        // `Minister` itself comes once per position.
        assert_eq!(seen.len(), 8 * 254 + 1);
    }
    use crate::model::Schema;

    #[test]
    fn lexicons_load_and_triggers_name_schema_types() {
        let lexicon = Lexicon::new();
        assert!(lexicon.info("Minister").has(flag::TITLE));
        assert!(lexicon.info("minister").has(flag::TITLE));
        assert_eq!(lexicon.info("Bank").head, Some(Label::Org));
        assert_eq!(lexicon.info("Feb.").month, 2);
        assert!(lexicon.info("Laura").has(flag::FIRST_NAME));
        let schema = Schema::news();
        for t in EVENT_TYPES {
            assert!(schema.event_type(t).is_some(), "{t}");
        }
        for line in entries(TRIGGERS) {
            let event_type = line.split('\t').nth(1).unwrap_or("").trim();
            assert!(
                EVENT_TYPES.contains(&event_type),
                "trigger line {line:?} names an unknown type"
            );
        }
    }
}
