//! Pre-annotation off the UI thread, with progress and cancellation. The engine runs on a
//! worker; the app turns each document's proposals into one undoable edit on the UI thread,
//! so the model is only ever changed there.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, OnceLock};

use crate::annotate::{Engine, Proposals};
use crate::model::DictionaryPattern;

/// The engine for one project dictionary, built on first use by whichever thread needs it
/// first, then shared until the dictionary changes.
#[derive(Default)]
pub struct EngineSlot {
    dictionary: Vec<DictionaryPattern>,
    engine: OnceLock<Engine>,
}

pub type SharedEngine = Arc<EngineSlot>;

impl EngineSlot {
    pub fn new(dictionary: Vec<DictionaryPattern>) -> Self {
        Self {
            dictionary,
            engine: OnceLock::new(),
        }
    }

    /// The dictionary this engine applies.
    pub fn dictionary(&self) -> &[DictionaryPattern] {
        &self.dictionary
    }

    fn engine(&self) -> &Engine {
        self.engine
            .get_or_init(|| Engine::with_patterns(&self.dictionary))
    }
}

/// A running pre-annotation of some documents.
pub struct Job {
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
