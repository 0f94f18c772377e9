//! A counting allocator for the memory bounds some tests check: it counts
//! live heap bytes per thread and the peak since a mark, so a test that runs
//! its work on its own thread measures only that work, whatever the other
//! tests do at the same time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// The test binary's allocator: the system's, counted.
pub struct Counting;

thread_local! {
    // Constant-initialized and without a destructor: usable from the allocator.
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(bytes: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + bytes;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            add(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        add(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // As a fresh allocation and a free: the peak sees both blocks at once,
        // as it would if the block moves.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            add(new_size as isize);
            add(-(layout.size() as isize));
        }
        new
    }
}

/// Runs `f` and returns what it returned and the most heap this thread
/// held at once during it, above what it held before.
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let value = f();
    let peak = PEAK.with(Cell::get);
    (value, (peak - start).max(0) as usize)
}
