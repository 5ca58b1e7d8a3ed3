// File-system failures as typed errors: the errno of a failed call becomes a stable code and a
// sentence a user can act on, instead of an "internal error" with a stack trace.
import { EnxutoError, IoError } from '@enxuto/ir';

const WHY: Readonly<Record<string, [code: string, why: string]>> = {
  ENOENT: ['io/not-found', 'no such file or folder'],
  ENOTDIR: ['io/not-folder', 'a part of the path is a file, not a folder'],
  EEXIST: ['io/exists', 'something already exists at that path'],
  EISDIR: ['io/is-folder', 'it is a folder'],
  ENAMETOOLONG: ['io/name-too-long', 'the name is longer than the file system allows'],
  ENOSPC: ['io/no-space', 'no space left on the device'],
  EDQUOT: ['io/no-space', 'disk quota exceeded'],
  EFBIG: ['io/no-space', 'the file is larger than the file system allows'],
  EACCES: ['io/permission', 'permission denied'],
  EPERM: ['io/permission', 'operation not permitted'],
  EROFS: ['io/read-only', 'the file system is read-only'],
  EMFILE: ['io/too-many-open-files', 'too many open files'],
  ENFILE: ['io/too-many-open-files', 'too many open files in the system'],
  ELOOP: ['io/symlink', 'a symbolic link where none is followed (or a link loop)'],
  EXDEV: ['io/cross-device', 'the temporary file and the target are on different devices'],
  EIO: ['io/device', 'input/output error from the device'],
  EBUSY: ['io/busy', 'the file or folder is busy'],
};

export interface FsWhere {
  /** The path the call was about. */
  file: string;
  /** The pipeline or option field that named it. */
  field?: string;
  /** What was being done, for the message: 'read', 'write', 'create folder'... */
  action: string;
}

/** `e` as a typed IoError naming the file (EnxutoErrors pass through unchanged). */
export function fsError(e: unknown, where: FsWhere): EnxutoError {
  if (e instanceof EnxutoError) return e;
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  const [code, why] = (errno && WHY[errno]) ?? ['io/failed', (e as Error | undefined)?.message ?? String(e)];
  return new IoError(`cannot ${where.action}: ${why}${errno ? ` (${errno})` : ''}`, {
    code,
    file: where.file,
    ...(where.field !== undefined ? { field: where.field } : {}),
    cause: e,
  });
}
