//! Which tab compacts a register: the one holding the Web Lock `qingfeng.compact.<id>`. Each tab
//! that opens the register asks for it; the browser grants it to one at a time and hands it on
//! when that tab closes the register or the page. Chunk keys already make concurrent compactions
//! safe; the lock keeps two tabs from doing the same work twice.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// A request for the compactor role, held until dropped.
pub struct CompactorLock {
    held: Rc<Cell<bool>>,
    /// Dropped before the browser granted it: give it back at once when it comes.
    dropped: Rc<Cell<bool>>,
    release: Rc<RefCell<Option<Function>>>,
}

impl CompactorLock {
    /// Asks for the role for `register`. Where the browser has no Web Locks, this tab takes it.
    pub fn request(register: &str) -> Self {
        let held = Rc::new(Cell::new(false));
        let dropped = Rc::new(Cell::new(false));
        let release: Rc<RefCell<Option<Function>>> = Rc::default();
        let locks = Reflect::get(&js_sys::global(), &"navigator".into())
            .and_then(|n| Reflect::get(&n, &"locks".into()))
            .ok()
            .filter(|l| !l.is_undefined());
        let request = locks.as_ref().and_then(|l| Reflect::get(l, &"request".into()).ok()?.dyn_into::<Function>().ok());
        let (Some(locks), Some(request)) = (locks, request) else {
            held.set(true);
            return Self { held, dropped, release };
        };
        let (held_in, dropped_in, release_in) = (held.clone(), dropped.clone(), release.clone());
        // Granted: hold the lock until `release` resolves the promise returned here.
        let granted = Closure::once_into_js(move |_lock: JsValue| -> Promise {
            if dropped_in.get() {
                return Promise::resolve(&JsValue::UNDEFINED);
            }
            held_in.set(true);
            Promise::new(&mut |resolve, _| *release_in.borrow_mut() = Some(resolve))
        });
        let name = JsValue::from_str(&format!("qingfeng.compact.{register}"));
        match request.call2(&locks, &name, &granted).map(|p| p.dyn_into::<Promise>()) {
            // Refused (site data blocked, so Web Locks too): as without Web Locks, this tab takes it.
            Ok(Ok(asked)) => {
                let refused = held.clone();
                let on_refused = Closure::once(move |_: JsValue| refused.set(true));
                let _ = asked.catch(&on_refused);
                on_refused.forget();
            }
            _ => held.set(true),
        }
        Self { held, dropped, release }
    }

    /// Whether this tab may compact now.
    pub fn is_held(&self) -> bool {
        self.held.get()
    }
}

impl Drop for CompactorLock {
    fn drop(&mut self) {
        self.held.set(false);
        self.dropped.set(true);
        if let Some(release) = self.release.borrow_mut().take() {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}
