/**
 * `Content-Type` of `/files/download` by extension (the common part of
 * libprocess's `mime::types`, same values); anything else is
 * `application/octet-stream`, as Mesos defaults.
 */

const TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.c': 'text/plain',
  '.h': 'text/plain',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.css': 'text/css',
  '.xml': 'text/xml',
  '.py': 'text/x-python',
  '.js': 'application/x-javascript',
  '.sh': 'application/x-sh',
  '.pdf': 'application/pdf',
  '.ps': 'application/postscript',
  '.tex': 'application/x-tex',
  '.zip': 'application/zip',
  '.tar': 'application/x-tar',
  '.bin': 'application/octet-stream',
  '.exe': 'application/octet-stream',
  '.doc': 'application/msword',
  '.xls': 'application/vnd.ms-excel',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.bmp': 'image/x-ms-bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/x-wav',
  '.mp4': 'video/mp4',
  '.mpeg': 'video/mpeg',
  '.mov': 'video/quicktime',
  '.avi': 'video/x-msvideo',
};

/** MIME type for a file name (case-sensitive extension, as libprocess). */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'application/octet-stream';
  return TYPES[name.slice(dot)] ?? 'application/octet-stream';
}
