import type { File } from '@grammyjs/types';
import { badRequest } from '../errors.js';
import { optionalString } from '../params.js';
import type { MethodHandler } from './context.js';

const getFile: MethodHandler = ({ state, params, settings }): File => {
  const fileId = optionalString(params, 'file_id');
  if (fileId === undefined || fileId === '') throw badRequest('file_id not specified');
  const file = state.files.get(fileId);
  if (file === undefined) throw badRequest('invalid file_id');
  if (file.bytes.length > settings.downloadLimitBytes) throw badRequest('file is too big');
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.bytes.length,
    file_path: state.files.issuePath(file),
  };
};

export const fileMethods = { getFile };
