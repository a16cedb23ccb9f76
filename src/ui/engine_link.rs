//! The page's end of the register engine's worker (`crate::worker`): it starts the worker,
//! numbers requests, holds them until the worker listens, and hands each reply to its caller.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker};

use crate::engine::protocol::{Event, FromEngine, RemoteError, Reply, Request, ToEngine, decode, encode};

/// Where Trunk puts the worker's loader (`data-type="worker"` in index.html).
const WORKER_URL: &str = "/worker_loader.js";

/// The one-file copy (`scripts/single-file.mjs`) carries the worker inside the page and defines
/// `window.qingfengWorker()` to start it; a served app loads it from [`WORKER_URL`].
fn new_worker() -> Result<Worker, JsValue> {
    let start = js_sys::Reflect::get(&web_sys::window().expect("a page has a window"), &"qingfengWorker".into())?;
    match start.dyn_ref::<js_sys::Function>() {
        Some(start) => start.call0(&JsValue::UNDEFINED)?.dyn_into::<Worker>(),
        None => Worker::new(WORKER_URL),
    }
}

/// What to do with the reply to a request.
type OnReply = Box<dyn FnOnce(Reply)>;

/// The running worker and the requests waiting for its replies.
pub struct EngineLink {
    worker: Worker,
    /// Requests made before the worker said it listens.
    held: RefCell<Option<Vec<Vec<u8>>>>,
    next: Cell<u64>,
    waiting: RefCell<HashMap<u64, OnReply>>,
    _listener: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

impl EngineLink {
    /// Starts the worker. `on_event` gets what the worker tells unasked; `on_failure` why the
    /// worker stopped (its wasm did not load, a bug), after which it answers nothing more.
    pub fn start(on_event: impl Fn(Event) + 'static, on_failure: impl Fn(String) + 'static) -> Option<Rc<Self>> {
        let worker = match new_worker() {
            Ok(worker) => worker,
            Err(e) => {
                leptos::logging::error!("the register engine could not start: {e:?}");
                return None;
            }
        };
        // The listener needs the link to find waiting requests; the link owns the listener.
        let link: Rc<RefCell<Option<std::rc::Weak<EngineLink>>>> = Rc::default();
        let found = link.clone();
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            let Some(message) =
                message.data().dyn_into::<Uint8Array>().ok().and_then(|b| decode::<FromEngine>(&b.to_vec()))
            else {
                leptos::logging::warn!("the register engine sent a message the page cannot read");
                return;
            };
            let Some(this) = found.borrow().as_ref().and_then(std::rc::Weak::upgrade) else { return };
            match message {
                FromEngine::Reply { id, reply } => {
                    let waiting = this.waiting.borrow_mut().remove(&id);
                    if let Some(callback) = waiting {
                        callback(reply);
                    }
                }
                FromEngine::Event(Event::Ready) => this.ready(),
                FromEngine::Event(event) => on_event(event),
            }
        });
        worker.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |e: web_sys::ErrorEvent| {
            leptos::logging::error!("the register engine stopped: {}", e.message());
            on_failure(e.message());
        });
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let started = Rc::new(EngineLink {
            worker,
            held: RefCell::new(Some(Vec::new())),
            next: Cell::new(0),
            waiting: RefCell::default(),
            _listener: listener,
            _on_error: on_error,
        });
        *link.borrow_mut() = Some(Rc::downgrade(&started));
        Some(started)
    }

    fn post(&self, bytes: &[u8]) {
        if let Err(e) = self.worker.post_message(&Uint8Array::from(bytes)) {
            leptos::logging::error!("the page could not reach the register engine: {e:?}");
        }
    }

    /// The worker listens: send what waited.
    fn ready(&self) {
        for bytes in self.held.borrow_mut().take().unwrap_or_default() {
            self.post(&bytes);
        }
    }

    /// Asks the worker; `callback` gets the reply.
    pub fn request(&self, request: Request, callback: impl FnOnce(Reply) + 'static) {
        let id = self.next.get() + 1;
        self.next.set(id);
        self.waiting.borrow_mut().insert(id, Box::new(callback));
        let bytes = encode(&ToEngine { id, request });
        match self.held.borrow_mut().as_mut() {
            Some(held) => held.push(bytes),
            None => self.post(&bytes),
        }
    }
}

/// Asks `link` (or answers that the engine did not start); `callback` gets the reply.
pub fn request(link: Option<&EngineLink>, request: Request, callback: impl FnOnce(Reply) + 'static) {
    match link {
        Some(link) => link.request(request, callback),
        None => callback(Reply::Failed(RemoteError::Keyed {
            key: "storage.unavailable".into(),
            detail: "the register engine did not start".into(),
        })),
    }
}

/// Asks `link` and waits for the reply.
pub async fn ask(link: Option<Rc<EngineLink>>, request: Request) -> Reply {
    let answer: Rc<RefCell<Option<Reply>>> = Rc::default();
    let kept = answer.clone();
    let done = js_sys::Promise::new(&mut |resolve, _| {
        let kept = kept.clone();
        self::request(link.as_deref(), request.clone(), move |reply| {
            *kept.borrow_mut() = Some(reply);
            let _ = resolve.call0(&JsValue::NULL);
        });
    });
    let _ = wasm_bindgen_futures::JsFuture::from(done).await;
    answer.borrow_mut().take().unwrap_or(Reply::Missing)
}
