import Foundation

/// Turns the terminal's echo off around a read, and back on on every path: when the read returns,
/// and when Ctrl-C (or SIGTERM, SIGHUP) ends the process during it (the handler restores the
/// saved settings, then exits with 128 + the signal, 130 for Ctrl-C).
public enum TerminalEcho {
    /// The settings to restore; written before the handlers are installed, read only by them.
    nonisolated(unsafe) private static var saved: termios = termios()
    private static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Runs `read` with echo off. Called on one thread at a time (the prompter reads one line at a time).
    public static func withoutEcho<T>(_ read: () -> T) -> T {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return read() }
        var quiet: termios = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        var previous: [Int32: sigaction] = [:]
        for number in signals {
            var action: sigaction = sigaction()
            action.__sigaction_handler.sa_handler = { (number: Int32) in
                tcsetattr(STDIN_FILENO, TCSANOW, &TerminalEcho.saved)
                _ = write(STDERR_FILENO, "\n", 1)
                _exit(128 + number)
            }
            sigemptyset(&action.sa_mask)
            var old: sigaction = sigaction()
            sigaction(number, &action, &old)
            previous[number] = old
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        let value: T = read()
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        for (number, old) in previous {
            var old: sigaction = old
            sigaction(number, &old, nil)
        }
        FileHandle.standardError.write(Data("\n".utf8))
        return value
    }
}
