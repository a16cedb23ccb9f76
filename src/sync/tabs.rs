//! Tabs of one browser keeping one register: after a tab stores changes, it tells the others
//! over a `BroadcastChannel` (`qingfeng.tabs`), and they apply them at once. A tab opened later
//! reads every chunk from the shared store, so it needs no message to catch up.

use std::str::FromStr as _;

use automerge::ChangeHash;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent};

const CHANNEL: &str = "qingfeng.tabs";

use super::TabMessage;

fn to_js(message: &TabMessage) -> JsValue {
    let object = Object::new();
    let heads: Array = message.heads.iter().map(|h| JsValue::from_str(&h.to_string())).collect();
    let _ = Reflect::set(&object, &"register".into(), &JsValue::from_str(&message.register));
    let _ = Reflect::set(&object, &"changes".into(), &Uint8Array::from(message.changes.as_slice()));
    let _ = Reflect::set(&object, &"heads".into(), &heads);
    object.into()
}

/// Reads a message back; `None` for anything else a page of this origin might post.
fn from_js(value: &JsValue) -> Option<TabMessage> {
    let field = |name: &str| Reflect::get(value, &name.into()).ok();
    let register = field("register")?.as_string()?;
    let changes = field("changes")?.dyn_into::<Uint8Array>().ok()?.to_vec();
    let heads = field("heads")?
        .dyn_into::<Array>()
        .ok()?
        .iter()
        .map(|h| h.as_string().and_then(|h| ChangeHash::from_str(&h).ok()))
        .collect::<Option<Vec<_>>>()?;
    Some(TabMessage { register, changes, heads })
}

/// This tab's end of the channel. Dropping it stops listening.
pub struct TabChannel {
    channel: BroadcastChannel,
    _listener: Closure<dyn FnMut(MessageEvent)>,
}

impl TabChannel {
    /// Listens for other tabs' messages; `None` where the browser has no `BroadcastChannel`
    /// (each tab then still saves safely, and sees the others' edits when it reopens).
    pub fn open(mut on_message: impl FnMut(TabMessage) + 'static) -> Option<Self> {
        let channel = BroadcastChannel::new(CHANNEL).ok()?;
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(message) = from_js(&event.data()) {
                on_message(message);
            }
        });
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        Some(Self { channel, _listener: listener })
    }

    /// Tells every other tab of this origin.
    pub fn tell(&self, message: &TabMessage) {
        if let Err(e) = self.channel.post_message(&to_js(message)) {
            leptos::logging::warn!("telling other tabs failed: {e:?}");
        }
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
