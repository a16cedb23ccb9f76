//! A role one worker of the browser holds at a time, as a Web Lock: the browser grants it to one
//! at a time and hands it on when the holder drops it or its page closes.
//!
//! - `qingfeng.compact.<id>`: which tab compacts a register. Each tab that opens the register
//!   asks for it. Chunk keys already make concurrent compactions safe; the lock keeps two tabs
//!   from doing the same work twice.
//! - [`HUB_LOCK`]: which worker holds the browser's relay connections (`worker::hub`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The lock of the worker that syncs every shared register with its relay.
// Versioned with the hub's messages (`worker/live.rs`): tabs of two builds side by side (one
// reloaded after an update, one not) each elect a hub of their own build, both safe writers of
// the one store, instead of one build's hub misreading the other's messages.
pub const HUB_LOCK: &str = "qingfeng.hub.3";

/// What runs once a role is granted.
type Granted = Box<dyn FnOnce()>;

/// A request for a role, held until dropped.
pub struct RoleLock {
    held: Rc<Cell<bool>>,
    /// Dropped before the browser granted it: give it back at once when it comes.
    dropped: Rc<Cell<bool>>,
    release: Rc<RefCell<Option<Function>>>,
}

impl RoleLock {
    /// Asks for the compactor role for `register`.
    pub fn compactor(register: &str) -> Self {
        Self::request(&format!("qingfeng.compact.{register}"), || {})
    }

    /// Asks for role `name`; `granted` runs (later, never within this call) once this worker
    /// holds it. Where the browser has no Web Locks, or refuses them, this worker takes it.
    pub fn request(name: &str, granted: impl FnOnce() + 'static) -> Self {
        Self::ask(name, false, granted, || {})
    }

    /// As [`RoleLock::request`]; with `steal`, taken at once from its holder (whose `lost`
    /// runs); `lost` runs if another worker takes it from this one.
    pub fn ask(name: &str, steal: bool, granted: impl FnOnce() + 'static, lost: impl FnOnce() + 'static) -> Self {
        let granted: Rc<RefCell<Option<Granted>>> = Rc::new(RefCell::new(Some(Box::new(granted))));
        let take = move |held: &Cell<bool>| {
            held.set(true);
            let granted = granted.borrow_mut().take();
            if let Some(granted) = granted {
                wasm_bindgen_futures::spawn_local(async move { granted() });
            }
        };
        let held = Rc::new(Cell::new(false));
        let dropped = Rc::new(Cell::new(false));
        let release: Rc<RefCell<Option<Function>>> = Rc::default();
        let locks = Reflect::get(&js_sys::global(), &"navigator".into())
            .and_then(|n| Reflect::get(&n, &"locks".into()))
            .ok()
            .filter(|l| !l.is_undefined());
        let request = locks.as_ref().and_then(|l| Reflect::get(l, &"request".into()).ok()?.dyn_into::<Function>().ok());
        let (Some(locks), Some(request)) = (locks, request) else {
            take(&held);
            return Self { held, dropped, release };
        };
        let take = Rc::new(take);
        let (held_in, dropped_in, release_in, take_in) = (held.clone(), dropped.clone(), release.clone(), take.clone());
        // Granted: hold the lock until `release` resolves the promise returned here.
        let on_granted = Closure::once_into_js(move |_lock: JsValue| -> Promise {
            if dropped_in.get() {
                return Promise::resolve(&JsValue::UNDEFINED);
            }
            take_in(&held_in);
            Promise::new(&mut |resolve, _| *release_in.borrow_mut() = Some(resolve))
        });
        let options = js_sys::Object::new();
        let _ = Reflect::set(&options, &"steal".into(), &steal.into());
        match request.call3(&locks, &JsValue::from_str(name), &options, &on_granted).map(|p| p.dyn_into::<Promise>()) {
            // Rejected: once held, another worker took it (`lost`); before, refused (site data
            // blocked, so Web Locks too): as without Web Locks, this worker takes it.
            Ok(Ok(asked)) => {
                let (was_held, dropped) = (held.clone(), dropped.clone());
                let on_rejected = Closure::once(move |_: JsValue| match (dropped.get(), was_held.replace(false)) {
                    (true, _) => {}
                    (false, true) => lost(),
                    (false, false) => take(&was_held),
                });
                let _ = asked.catch(&on_rejected);
                on_rejected.forget();
            }
            _ => take(&held),
        }
        Self { held, dropped, release }
    }

    /// Whether this worker holds the role now.
    pub fn is_held(&self) -> bool {
        self.held.get()
    }
}

impl Drop for RoleLock {
    fn drop(&mut self) {
        self.held.set(false);
        self.dropped.set(true);
        if let Some(release) = self.release.borrow_mut().take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}
