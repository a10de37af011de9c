//! Finding the engines' shared libraries at run time.
//!
//! The engines are opened with `dlopen` rather than linked, so tta-bench builds and runs on a
//! machine without them and says which packages are missing instead of failing to start.

use libloading::Library;

/// Opens the first of `names` that loads, or `None`.
pub(crate) fn open_first(names: &[&str]) -> Option<Library> {
    names.iter().find_map(|name| {
        // SAFETY: the libraries named are the engines' own, whose initialisers have no
        // preconditions beyond being loaded once per process, which `dlopen` guarantees.
        unsafe { Library::new(*name) }.ok()
    })
}

/// Looks up `name` in `library` as a value of type `T` (a function pointer).
///
/// # Safety
/// `T` must be the symbol's true C type.
pub(crate) unsafe fn symbol<T: Copy>(library: &Library, name: &[u8]) -> Result<T, String> {
    // SAFETY: the caller vouches for `T`.
    unsafe { library.get::<T>(name) }
        .map(|found| *found)
        .map_err(|error| format!("{}: {error}", String::from_utf8_lossy(name)))
}
