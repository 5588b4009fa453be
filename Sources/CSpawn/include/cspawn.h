#ifndef CSPAWN_H
#define CSPAWN_H
#include <sys/types.h>

/// Starts `path` with `argv` and `envp` (NULL-terminated) in `directory`, in a new process group whose id is the
/// child's pid, with stdin from /dev/null, stdout and stderr into fresh pipes, default signal dispositions, an
/// empty signal mask and no inherited descriptors above 2. Returns 0 or an errno value.
int cspawn_start(const char *path, char *const argv[], char *const envp[], const char *directory,
                 pid_t *pid, int *stdout_fd, int *stderr_fd);

/// A file descriptor that polls readable when the process exits (pidfd_open), or -1 with errno.
int cspawn_pidfd_open(pid_t pid);

/// Sets O_NONBLOCK on a descriptor; 0 or -1.
int cspawn_set_nonblocking(int fd);

/// Makes standard output line-buffered even when it is a pipe or a file (tee, nohup, an IDE, CI).
void cspawn_line_buffer_stdout(void);
#endif
