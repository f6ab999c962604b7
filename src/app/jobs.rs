//! Work off the UI thread: pre-annotation with progress and cancellation, training the
//! project's model, and estimating its quality. Workers only compute; the app turns their
//! results into undoable edits on the UI thread, so the project is only ever changed there.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use crate::annotate::eval::Counts;
use crate::annotate::learn::{self, Model, TrainOptions, TrainingDoc, Validation};
use crate::annotate::{Engine, Proposals};
use crate::formats::folder::Rest;
use crate::formats::project::ProjectFileError;
use crate::model::{DictionaryPattern, Document};

/// The engine for one project dictionary and model, built on first use by whichever thread
/// needs it first, then shared until either changes.
#[derive(Default)]
pub struct EngineSlot {
    dictionary: Vec<DictionaryPattern>,
    model: Option<Arc<Model>>,
    engine: OnceLock<Engine>,
}

pub type SharedEngine = Arc<EngineSlot>;

impl EngineSlot {
    pub fn new(dictionary: Vec<DictionaryPattern>, model: Option<Arc<Model>>) -> Self {
        Self {
            dictionary,
            model,
            engine: OnceLock::new(),
        }
    }

    /// The dictionary this engine applies.
    pub fn dictionary(&self) -> &[DictionaryPattern] {
        &self.dictionary
    }

    /// The project model this engine applies, if any.
    pub fn model(&self) -> Option<&Arc<Model>> {
        self.model.as_ref()
    }

    /// The engine, built on first use.
    pub fn engine(&self) -> &Engine {
        self.engine.get_or_init(|| {
            let engine = Engine::with_patterns(&self.dictionary);
            match &self.model {
                Some(model) => engine.with_model(model.clone()),
                None => engine,
            }
        })
    }
}

/// What a training run gives back: the model, the key of the data it learned from, and
/// proposals for the documents it was asked to refresh.
pub struct Learned {
    pub model: Arc<Model>,
    pub key: u64,
    pub proposals: Vec<(String, Proposals)>,
}

/// Training the project's model on a worker, then pre-annotating `refresh` with it.
pub struct LearnJob {
    result: Receiver<Learned>,
}

impl LearnJob {
    pub fn start(
        engine: SharedEngine,
        docs: Vec<TrainingDoc>,
        key: u64,
        refresh: Vec<(String, Arc<str>)>,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (sender, result) = channel();
        std::thread::spawn(move || {
            // Training reads the rules only, so any engine of this dictionary will do.
            let engine = engine.engine();
            let model = learn::train(engine, &docs, &TrainOptions::default());
            let proposals = refresh
                .into_iter()
                .map(|(id, text)| (id, engine.annotate_with(&text, Some(&model))))
                .collect();
            // The app may have moved on (a new project); then nobody listens.
            let _ = sender.send(Learned {
                model: Arc::new(model),
                key,
                proposals,
            });
            wake();
        });
        Self { result }
    }

    /// The result once training has finished.
    pub fn poll(&self) -> Option<Learned> {
        self.result.try_recv().ok()
    }

    /// Blocks until training ends (tests).
    pub fn wait(self) -> Option<Learned> {
        self.result.recv().ok()
    }
}

/// The model's estimated quality, for the Model window.
pub struct Estimate {
    pub key: u64,
    pub validation: Validation,
    /// The rules alone on the same documents, per label.
    pub rules: std::collections::BTreeMap<String, Counts>,
}

/// Cross-validation of the project's model on a worker (it trains a model per fold and
/// size, so it can take seconds on a large project).
pub struct EstimateJob {
    result: Receiver<Estimate>,
}

impl EstimateJob {
    pub fn start(
        engine: SharedEngine,
        docs: Vec<TrainingDoc>,
        key: u64,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (sender, result) = channel();
        std::thread::spawn(move || {
            let engine = engine.engine();
            let validation = learn::cross_validate(engine, &docs, 4, &TrainOptions::default());
            let rules = learn::score(engine, None, &docs);
            let _ = sender.send(Estimate {
                key,
                validation,
                rules,
            });
            wake();
        });
        Self { result }
    }

    pub fn poll(&self) -> Option<Estimate> {
        self.result.try_recv().ok()
    }

    /// Blocks until the estimate is ready (tests).
    pub fn wait(self) -> Option<Estimate> {
        self.result.recv().ok()
    }
}

/// A running pre-annotation of some documents.
pub struct Job {
    /// Whether the engine has a project model, whose proposals replace earlier suggestions of
    /// documents nobody reviewed.
    pub learned: bool,
    results: Receiver<(String, Proposals)>,
    cancel: Arc<AtomicBool>,
    pub total: usize,
    pub done: usize,
}

impl Job {
    /// Starts annotating `docs` (id and text) on a worker thread; `wake` is called after each
    /// document so the UI repaints.
    pub fn start(
        engine: SharedEngine,
        docs: Vec<(String, Arc<str>)>,
        wake: impl Fn() + Send + 'static,
    ) -> Self {
        let (sender, results) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let total = docs.len();
        let learned = engine.model().is_some();
        let stop = cancel.clone();
        std::thread::spawn(move || {
            let engine = engine.engine();
            for (id, text) in docs {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let proposals = engine.annotate(&text);
                if sender.send((id, proposals)).is_err() {
                    break; // the app dropped the job
                }
                wake();
            }
            wake();
        });
        Self {
            learned,
            results,
            cancel,
            total,
            done: 0,
        }
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Results ready now, and whether the job has ended (finished or cancelled).
    pub fn poll(&mut self) -> (Vec<(String, Proposals)>, bool) {
        let mut ready = Vec::new();
        loop {
            match self.results.try_recv() {
                Ok(result) => {
                    self.done += 1;
                    ready.push(result);
                }
                Err(TryRecvError::Empty) => return (ready, false),
                Err(TryRecvError::Disconnected) => return (ready, true),
            }
        }
    }

    /// Blocks until the job ends and returns everything left (tests, and the CLI-like start).
    pub fn wait(&mut self) -> Vec<(String, Proposals)> {
        let mut all = Vec::new();
        while let Ok(result) = self.results.recv() {
            self.done += 1;
            all.push(result);
        }
        all
    }
}

/// Documents read per message of a [`LoadJob`]: big enough to keep every core busy, small
/// enough that the documents list grows several times a second.
const LOAD_CHUNK: usize = 1_000;

/// Reading the documents of a folder project that the window opened with its first ones
/// (see `formats::folder::open`), in project order, on a worker.
pub struct LoadJob {
    chunks: Receiver<Vec<Result<Document, ProjectFileError>>>,
    cancel: Arc<AtomicBool>,
    /// Documents the project opened with, before the job.
    pub first: usize,
    /// Documents the job reads, and has read so far.
    pub total: usize,
    pub done: usize,
    pub started: Instant,
}

impl LoadJob {
    pub fn start(rest: Rest, first: usize, wake: impl Fn() + Send + 'static) -> Self {
        let (sender, chunks) = channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let stop = cancel.clone();
        let total = rest.ids.len();
        std::thread::spawn(move || {
            for ids in rest.ids.chunks(LOAD_CHUNK) {
                if stop.load(Ordering::Relaxed) || sender.send(rest.read(ids)).is_err() {
                    break;
                }
                wake();
            }
            wake();
        });
        Self {
            chunks,
            cancel,
            first,
            total,
            done: 0,
            started: Instant::now(),
        }
    }

    /// Documents read since the last call, and whether the job has ended.
    pub fn poll(&mut self) -> (Vec<Result<Document, ProjectFileError>>, bool) {
        let mut ready = Vec::new();
        loop {
            match self.chunks.try_recv() {
                Ok(chunk) => {
                    self.done += chunk.len();
                    ready.extend(chunk);
                }
                Err(TryRecvError::Empty) => return (ready, false),
                Err(TryRecvError::Disconnected) => return (ready, true),
            }
        }
    }

    /// Blocks for the next documents; `None` once all are read (tests, benchmarks).
    pub fn wait(&mut self) -> Option<Vec<Result<Document, ProjectFileError>>> {
        let chunk = self.chunks.recv().ok()?;
        self.done += chunk.len();
        Some(chunk)
    }
}

impl Drop for LoadJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
