//! The process's allocator: the system's, except in a child counting instructions
//! ([`super::count`]), which switches to a bump arena so that what an allocation costs does not
//! depend on the heap it inherited.
//!
//! Why: glibc's malloc takes another path (a cached chunk, a split, a consolidation) depending on
//! the heap's history, and that history differs with anything the process did before the
//! operation, down to the length of its own path in `argv[0]`: copies of one build at two paths
//! counted `session/initialise_new_user` 6.7 % apart. In the arena every allocation costs the
//! same few instructions, so a count is the operation's own work (allocations included, each at
//! that fixed cost) and repeats across paths, environments and builds. Outside a counting child
//! the arena is never active and every call goes to the system allocator after one relaxed
//! atomic load.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Address space reserved for a counting child (touched pages only are backed).
const RESERVE: usize = 4 << 30;

/// The arena's bounds and next free byte; all 0 while inactive.
static START: AtomicUsize = AtomicUsize::new(0);
static END: AtomicUsize = AtomicUsize::new(0);
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, or the arena once [`activate`] ran.
pub struct Switchable;

#[global_allocator]
static GLOBAL: Switchable = Switchable;

/// Never reuses memory: a counting child is short-lived and single-threaded.
fn bump(layout: Layout) -> *mut u8 {
    let next = NEXT.load(Ordering::Relaxed);
    let aligned = (next + layout.align() - 1) & !(layout.align() - 1);
    let end = aligned + layout.size();
    if end > END.load(Ordering::Relaxed) {
        return std::ptr::null_mut();
    }
    NEXT.store(end, Ordering::Relaxed);
    aligned as *mut u8
}

// SAFETY: delegates to System except inside the arena, which hands out disjoint, aligned,
// zeroed (fresh anonymous pages, never reused) blocks of the requested size.
unsafe impl GlobalAlloc for Switchable {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if START.load(Ordering::Relaxed) != 0 {
            bump(layout)
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if START.load(Ordering::Relaxed) != 0 {
            bump(layout)
        } else {
            // SAFETY: the caller's contract, passed on.
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Memory of the system allocator inherited by a counting child is left alone too: freeing
        // it would cost what the heap's history says.
        if START.load(Ordering::Relaxed) == 0 {
            // SAFETY: the caller's contract, passed on.
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if START.load(Ordering::Relaxed) == 0 {
            // SAFETY: the caller's contract, passed on.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        let new = bump(new_layout);
        if !new.is_null() {
            // SAFETY: both blocks are live and at least this long; the new one is fresh.
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
        }
        new
    }
}

/// Switches this process to the arena for good. Only for a forked counting child.
#[cfg(unix)]
pub fn activate() -> Result<(), String> {
    // SAFETY: a fresh private anonymous mapping, owned by this process until it exits.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            RESERVE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return Err(format!(
            "cannot reserve the counting arena: {}",
            std::io::Error::last_os_error()
        ));
    }
    let start = base as usize;
    NEXT.store(start, Ordering::Relaxed);
    END.store(start + RESERVE, Ordering::Relaxed);
    START.store(start, Ordering::Relaxed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inactive_the_allocator_is_the_systems() {
        assert_eq!(START.load(Ordering::Relaxed), 0);
        let mut v: Vec<u64> = (0..1000).collect();
        v.extend(1000..2000);
        assert_eq!(v.iter().sum::<u64>(), 1_999_000);
    }
}
