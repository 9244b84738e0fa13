#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX calls the library has to name by module (Foundation's own `close` and friends clash
/// with them): the one place that knows whether the C library is Glibc (Linux) or Darwin (macOS).
/// Calls Foundation re-exports under the same name on both (`open`, `flock`, `fchmod`, `link`,
/// `unlink`, `fsync`, `strerror`) are used directly.
enum POSIX {
    /// Closes a file descriptor; errors are ignored (there is nothing left to do with it).
    static func close(_ descriptor: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #elseif canImport(Darwin)
        _ = Darwin.close(descriptor)
        #endif
    }
}
