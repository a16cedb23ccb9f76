//! The browser benchmark page (`bench.html`): times the register core compiled to wasm on the
//! benchmark files and leaves the figures in `window.__qingfengBench` for `bench/run.mjs`,
//! which times the reference `@automerge/automerge` on the same files in the same page.

fn main() {
    #[cfg(target_arch = "wasm32")]
    wasm::run();
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use automerge::AutoCommit;
    use base64::Engine as _;
    use js_sys::{Object, Reflect, Uint8Array};
    use qingfeng::doc::RegisterDoc;
    use qingfeng::sync::RegisterFile;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::{JsFuture, spawn_local};

    /// Each figure is the median of this many runs.
    const RUNS: usize = 5;

    fn now() -> f64 {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
    }

    fn median(mut samples: Vec<f64>) -> f64 {
        samples.sort_by(f64::total_cmp);
        samples[samples.len() / 2]
    }

    /// Runs `f` `RUNS` times on fresh input from `setup`; the median time in ms.
    fn time<S, R>(mut setup: impl FnMut() -> S, mut f: impl FnMut(S) -> R) -> f64 {
        let samples = (0..RUNS)
            .map(|_| {
                let input = setup();
                let started = now();
                std::hint::black_box(f(input));
                now() - started
            })
            .collect();
        median(samples)
    }

    async fn fetch(path: &str) -> Result<Vec<u8>, JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path)).await?.dyn_into()?;
        let buffer = JsFuture::from(response.array_buffer()?).await?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }

    fn document_bytes(file: &[u8]) -> Vec<u8> {
        RegisterFile::decode(file).expect("a benchmark file").document
    }

    pub fn run() {
        console_error_panic_hook::set_once();
        spawn_local(async {
            let result = Object::new();
            match measure(&result).await {
                Ok(()) => {}
                Err(e) => {
                    let _ = Reflect::set(&result, &"error".into(), &e);
                }
            }
            let window = web_sys::window().expect("a window");
            let _ = Reflect::set(&window, &"__qingfengBench".into(), &result);
        });
    }

    async fn measure(out: &Object) -> Result<(), JsValue> {
        let set = |key: &str, value: f64| {
            web_sys::console::log_1(&format!("{key}: {value}").into());
            let _ = Reflect::set(out, &key.into(), &value.into());
        };
        // `bench.html?size=R500` runs on the smaller register.
        let size = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .and_then(|q| q.strip_prefix("?size=").map(str::to_string))
            .unwrap_or_else(|| "R5k".into());
        let base = document_bytes(&fetch(&format!("data/{size}.qingfeng")).await?);
        let plus = document_bytes(&fetch(&format!("data/{size}-plus-1k.qingfeng")).await?);

        set("automerge_load_ms", time(|| (), |()| AutoCommit::load(&base).unwrap()));
        set("register_load_ms", time(|| (), |()| RegisterDoc::load(&base).unwrap()));
        set(
            "automerge_merge_1k_ms",
            time(
                || (AutoCommit::load(&base).unwrap(), AutoCommit::load(&plus).unwrap()),
                |(mut a, mut b)| a.merge(&mut b).unwrap(),
            ),
        );
        set(
            "register_merge_1k_ms",
            time(
                || (RegisterDoc::load(&base).unwrap(), RegisterDoc::load(&plus).unwrap()),
                |(mut a, mut b)| a.merge(&mut b).unwrap(),
            ),
        );
        let mut doc = RegisterDoc::load(&base).unwrap();
        set("save_ms", time(|| (), |()| doc.save()));
        let saved = doc.save();
        set("saved_bytes", saved.len() as f64);
        set("saved_base64_chars", base64::engine::general_purpose::STANDARD.encode(&saved).len() as f64);
        set("risk_points", doc.register().risks.len() as f64);
        Ok(())
    }
}
