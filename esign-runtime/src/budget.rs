//! Parsing JSON into a typed value within a memory budget.
//!
//! A callback's hash may vouch for only a few of its fields, so the rest of
//! its body can be anything. Parsed eagerly into typed values, a body built
//! to be costly takes tens of times its size: `[{},{},...]` becomes one
//! struct, hundreds of bytes, per three bytes of text. [`from_json_within`]
//! parses through a wrapper around the JSON deserializer that charges, as
//! each value is read and before it is kept, an upper bound of the heap that
//! value adds, and stops the parse with [`CallbackError::TooDense`] as soon
//! as the charges pass the budget. So what a refused body costs is bounded
//! by the budget too.
//!
//! The charges follow what each value takes while it is built and kept
//! (sizes are `size_of` the Rust type being built, which the seeds serde
//! hands the wrapper carry):
//! - a sequence element: a `Vec`'s buffer as it grows by pushes (a capacity
//!   of four, then doubling; while it grows the old and the new buffer are
//!   both held, and the old one is given back after);
//! - a map entry (a map with string keys, or the map in which a struct keeps
//!   properties it does not know): what a B-tree or a hash map of such
//!   entries holds as it grows, whichever is more (see `MapGrowth`);
//! - a string: its length; a string that needed unescaping also grows the
//!   parser's scratch buffer, up to the longest one;
//! - a struct's unknown property: a slot in the buffer serde keeps them in
//!   until the struct is read (given back then), its name copied twice, and
//!   everything inside it twice over, since it is buffered and then copied
//!   into the map; the same twice over for what an untagged enum buffers;
//! - a value a type reads as JSON first and then converts (the generated
//!   unions whose variant a property picks and that a callback payload can
//!   hold, through [`from_buffered`]; other unions never use it): the
//!   JSON while it is held, given back once the typed value is built, which
//!   is charged as it is built.
//!
//! Struct fields cost nothing of their own: they live inside their parent.
//! Serde's field names and its content buffers are told apart by their type
//! names (`__Field`, its private `content` module); the unit tests below
//! fail if a serde release renames them, so that cannot turn silently into
//! charging too little. A `Box` is not seen (the wrapper sees the value
//! inside, not the box), so recursive types are charged below what they
//! take; callback payloads have none.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use serde::de;

use crate::error::CallbackError;

/// Parses `json` into `T`, refusing it with [`CallbackError::TooDense`] once
/// the heap its values would take passes `budget` bytes (see the module
/// docs for how that is charged), and with [`CallbackError::Malformed`] when
/// it is not JSON of that shape. Input that is not of the shape also costs
/// what `serde_json` takes to say so: its scratch buffer and an error
/// message that may quote the offending string (the message returned is
/// cut at 200 bytes).
pub fn from_json_within<T: de::DeserializeOwned>(json: &[u8], budget: usize) -> Result<T, CallbackError> {
    let meter = Rc::new(Meter {
        live: Cell::new(0),
        budget,
        scratch: Cell::new(0),
        over: Cell::new(false),
        last: Cell::new(0),
    });
    let _active = Active::enter(meter.clone());
    let mut parser = serde_json::Deserializer::from_slice(json);
    let result = T::deserialize(Metered { inner: &mut parser, meter: &meter, rate: 1 }).and_then(|value| {
        parser.end()?;
        Ok(value)
    });
    match result {
        Ok(value) => Ok(value),
        Err(_) if meter.over.get() => Err(CallbackError::TooDense { budget }),
        Err(err) => Err(CallbackError::Malformed(brief(&err))),
    }
}

/// An error's message, cut after 200 bytes: a parse error may quote a
/// string of the body, which should neither be copied whole again nor be
/// echoed back at length.
fn brief(err: &dyn fmt::Display) -> String {
    struct Brief(String);

    impl fmt::Write for Brief {
        fn write_str(&mut self, text: &str) -> fmt::Result {
            const MOST: usize = 200;
            let room = MOST.saturating_sub(self.0.len());
            if text.len() <= room {
                self.0.push_str(text);
                return Ok(());
            }
            let cut = (0..=room).rev().find(|&at| text.is_char_boundary(at)).unwrap_or(0);
            self.0.push_str(&text[..cut]);
            self.0.push('…');
            Err(fmt::Error)
        }
    }

    let mut out = Brief(String::new());
    let _ = fmt::write(&mut out, format_args!("{err}"));
    out.0
}

thread_local! {
    /// The meter of the parse running on this thread, for values that a
    /// type reads as JSON first and then converts (see [`from_buffered`]).
    static ACTIVE: RefCell<Option<Rc<Meter>>> = const { RefCell::new(None) };
}

/// The meter of a running parse, set for as long as it runs (and the one
/// before it put back after, for a parse within a parse).
struct Active(Option<Rc<Meter>>);

impl Active {
    fn enter(meter: Rc<Meter>) -> Active {
        Active(ACTIVE.with(|active| active.replace(Some(meter))))
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        let previous = self.0.take();
        ACTIVE.with(|active| *active.borrow_mut() = previous);
    }
}

/// Where the meter of a running parse stood, taken before a type reads a
/// value as JSON (see [`buffer_mark`]).
#[derive(Clone, Copy, Debug)]
pub struct BufferMark {
    /// Which meter: its address, compared, never followed.
    meter: usize,
    live: usize,
    scratch: usize,
}

/// Where the meter of a running parse stands (`None` outside one): taken
/// before a type reads a value as JSON, to convert it after with
/// [`from_buffered`].
pub fn buffer_mark() -> Option<BufferMark> {
    ACTIVE.with(|active| {
        active.borrow().as_ref().map(|meter| BufferMark {
            meter: Rc::as_ptr(meter) as usize,
            live: meter.live.get(),
            scratch: meter.scratch.get(),
        })
    })
}

/// Converts `value`, read as JSON since `mark` (see [`buffer_mark`]), into
/// `T`: within the running parse's budget if there is one (what `T` keeps
/// is charged as it is built, and what the JSON took is given back once it
/// is consumed; the parser's scratch buffer, which stays, is not), as
/// `serde_json::from_value` does otherwise. A mark from another parse
/// gives nothing back. Generated unions whose variant is chosen by a
/// property, and that a callback payload can hold, read their value this
/// way; the generator converts every other union plainly.
pub fn from_buffered<T: de::DeserializeOwned>(
    value: serde_json::Value,
    mark: Option<BufferMark>,
) -> Result<T, serde_json::Error> {
    let Some(meter) = ACTIVE.with(|active| active.borrow().clone()) else {
        return serde_json::from_value(value);
    };
    let buffered = match mark {
        Some(mark) if mark.meter == Rc::as_ptr(&meter) as usize => {
            let scratch = meter.scratch.get().saturating_sub(mark.scratch);
            meter.live.get().saturating_sub(mark.live).saturating_sub(scratch)
        }
        _ => 0,
    };
    let result = T::deserialize(Metered { inner: value, meter: &meter, rate: 1 });
    meter.refund(buffered);
    result
}

/// The heap the values read so far take, at most, against the budget, and
/// what the parser's scratch buffer holds.
struct Meter {
    live: Cell<usize>,
    budget: usize,
    scratch: Cell<usize>,
    over: Cell<bool>,
    /// The length of the last string read.
    last: Cell<usize>,
}

impl Meter {
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let live = self.live.get().saturating_add(bytes);
        self.live.set(live);
        if live > self.budget {
            self.over.set(true);
            return Err(E::custom("over the memory budget"));
        }
        Ok(())
    }

    /// Memory given back (a `Vec`'s old buffer, once it has grown).
    fn refund(&self, bytes: usize) {
        self.live.set(self.live.get().saturating_sub(bytes));
    }

    /// A string of `len` bytes, kept (charged `rate` times); `copied` when
    /// the parser unescaped it into its scratch buffer first.
    fn string<E: de::Error>(&self, len: usize, copied: bool, rate: usize) -> Result<(), E> {
        self.last.set(len);
        if copied && len > self.scratch.get() {
            self.charge(len - self.scratch.get())?;
            self.scratch.set(len);
        }
        self.charge(len.saturating_mul(rate))
    }
}

/// The buffer of a `Vec` that grows one push at a time: a capacity of four,
/// then doubling, with the old and the new buffer both held while it grows.
#[derive(Default)]
struct Growth {
    len: usize,
    capacity: usize,
    /// The element size charged.
    size: usize,
}

impl Growth {
    /// One more element of `size` bytes, charged `rate` times.
    fn push<E: de::Error>(&mut self, meter: &Meter, size: usize, rate: usize) -> Result<(), E> {
        if self.len == self.capacity {
            let grown = (self.capacity * 2).max(4);
            meter.charge(grown.saturating_mul(size).saturating_mul(rate))?;
            meter.refund(self.capacity.saturating_mul(size).saturating_mul(rate));
            self.capacity = grown;
        }
        self.size = size;
        self.len += 1;
        Ok(())
    }

    /// The buffer dropped: what it held given back, charged `rate` times.
    fn release(&mut self, meter: &Meter, rate: usize) {
        meter.refund(self.capacity.saturating_mul(self.size).saturating_mul(rate));
        *self = Growth::default();
    }
}

mod metered;

use metered::Metered;

#[cfg(test)]
mod tests;
