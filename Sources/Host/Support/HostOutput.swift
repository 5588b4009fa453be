import CSpawn

/// The host process's standard output.
public enum HostOutput {
    /// Line-buffers standard output, also into a pipe, so each line appears as it is printed.
    public static func lineBuffered() { cspawn_line_buffer_stdout() }
}
