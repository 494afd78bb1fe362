//! Settings of the C allocator (glibc malloc), applied once at start-up.
//!
//! A report allocates and frees a few megabytes of short-lived buffers (the document XML, the zip,
//! calamine's cells). With glibc's defaults each worker thread's arena gives memory back to the
//! kernel (`madvise`, `munmap`) as soon as it is free, and takes it again, zero-filled, for the
//! next report: about a dozen such calls per report (strace), and their page faults. Keeping freed
//! memory in the process costs nothing at these sizes and saves about a tenth of the CPU time of a
//! batch (see README, "Performance"). Fewer arenas keep the batch's peak memory where it was.
//! mimalloc was measured as well: as fast, but with 78–102 MB peak memory instead of 35.

/// Freed memory up to this much stays in the process instead of going back to the kernel.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: i32 = 128 << 20;
/// Blocks below this size come from the heap rather than from their own `mmap`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 32 << 20;
/// At most this many arenas (glibc's default is 8 per core): workers, writer, xlsx threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ARENA_MAX: i32 = 4;

/// Applies the settings above; call first thing in `main`, before any thread starts.
/// Elsewhere than Linux with glibc it does nothing.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes malloc's parameters; called before any other thread
    // exists, so nothing allocates concurrently. A refused setting leaves the default.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_ARENA_MAX, ARENA_MAX);
    }
}
