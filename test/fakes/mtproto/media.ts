// Message media as Telegram sends it: a photo or a document whose attributes say what kind of file it is.
import { Long, type tl } from '@mtcute/core';
import { randomLong } from '@mtcute/core/utils.js';
import { rpcError } from './faults.js';
import type { FileStore } from './files.js';
import { DC_ID, unixNow } from './tl-builders.js';

/** What a customer (or the account owner) can attach; files carry the bytes a download must return. */
export type MediaSpec =
  | { kind: 'photo'; bytes: Uint8Array; width?: number; height?: number }
  | { kind: 'document'; bytes: Uint8Array; fileName: string; mimeType: string }
  | { kind: 'video'; bytes: Uint8Array; duration: number; width?: number; height?: number; fileName?: string }
  | { kind: 'voice'; bytes: Uint8Array; duration: number }
  | { kind: 'audio'; bytes: Uint8Array; duration: number; title?: string; performer?: string; fileName?: string }
  | { kind: 'videoNote'; bytes: Uint8Array; duration: number; length?: number }
  | { kind: 'sticker'; bytes: Uint8Array; emoji: string }
  | { kind: 'animation'; bytes: Uint8Array; duration?: number; fileName?: string }
  | { kind: 'location'; latitude: number; longitude: number }
  | { kind: 'contact'; phone: string; firstName: string; lastName?: string; userId?: number };

export function photoMedia(files: FileStore, bytes: Uint8Array, w = 800, h = 600): tl.RawMessageMediaPhoto {
  const photo: tl.RawPhoto = {
    _: 'photo',
    id: files.serve(bytes),
    accessHash: randomLong(),
    fileReference: new Uint8Array([1, 2, 3, 4]),
    date: unixNow(),
    sizes: [{ _: 'photoSize', type: 'x', w, h, size: bytes.length }],
    dcId: DC_ID,
  };
  files.photos.set(photo.id.toString(), photo);
  return { _: 'messageMediaPhoto', photo };
}

export function documentMedia(
  files: FileStore,
  bytes: Uint8Array,
  mimeType: string,
  attributes: tl.TypeDocumentAttribute[],
): tl.RawMessageMediaDocument {
  const document: tl.RawDocument = {
    _: 'document',
    id: files.serve(bytes),
    accessHash: randomLong(),
    fileReference: new Uint8Array([5, 6, 7, 8]),
    date: unixNow(),
    mimeType,
    size: bytes.length,
    dcId: DC_ID,
    attributes,
  };
  files.documents.set(document.id.toString(), document);
  return mediaOfDocument(document);
}

/** The flags official servers set on messageMediaDocument, derived from the attributes. */
function mediaOfDocument(document: tl.RawDocument): tl.RawMessageMediaDocument {
  const video = document.attributes.find((a) => a._ === 'documentAttributeVideo');
  const audio = document.attributes.find((a) => a._ === 'documentAttributeAudio');
  return {
    _: 'messageMediaDocument',
    document,
    video: video !== undefined && !video.roundMessage,
    round: video?.roundMessage,
    voice: audio?.voice,
  };
}

const fileName = (name: string | undefined): tl.TypeDocumentAttribute[] =>
  name === undefined ? [] : [{ _: 'documentAttributeFilename', fileName: name }];

export function buildMedia(files: FileStore, spec: MediaSpec): tl.TypeMessageMedia {
  switch (spec.kind) {
    case 'photo':
      return photoMedia(files, spec.bytes, spec.width, spec.height);
    case 'document':
      return documentMedia(files, spec.bytes, spec.mimeType, fileName(spec.fileName));
    case 'video':
      return documentMedia(files, spec.bytes, 'video/mp4', [
        { _: 'documentAttributeVideo', supportsStreaming: true, duration: spec.duration, w: spec.width ?? 640, h: spec.height ?? 360 },
        ...fileName(spec.fileName ?? 'video.mp4'),
      ]);
    case 'voice':
      return documentMedia(files, spec.bytes, 'audio/ogg', [{ _: 'documentAttributeAudio', voice: true, duration: spec.duration }]);
    case 'audio':
      return documentMedia(files, spec.bytes, 'audio/mpeg', [
        { _: 'documentAttributeAudio', duration: spec.duration, title: spec.title, performer: spec.performer },
        ...fileName(spec.fileName ?? 'audio.mp3'),
      ]);
    case 'videoNote':
      return documentMedia(files, spec.bytes, 'video/mp4', [
        { _: 'documentAttributeVideo', roundMessage: true, duration: spec.duration, w: spec.length ?? 384, h: spec.length ?? 384 },
      ]);
    case 'sticker':
      return documentMedia(files, spec.bytes, 'image/webp', [
        { _: 'documentAttributeSticker', alt: spec.emoji, stickerset: { _: 'inputStickerSetEmpty' } },
        { _: 'documentAttributeImageSize', w: 512, h: 512 },
        ...fileName('sticker.webp'),
      ]);
    case 'animation':
      return documentMedia(files, spec.bytes, 'video/mp4', [
        { _: 'documentAttributeAnimated' },
        { _: 'documentAttributeVideo', duration: spec.duration ?? 3, w: 320, h: 240 },
        ...fileName(spec.fileName ?? 'animation.mp4'),
      ]);
    case 'location':
      return { _: 'messageMediaGeo', geo: { _: 'geoPoint', lat: spec.latitude, long: spec.longitude, accessHash: Long.ZERO } };
    case 'contact':
      return {
        _: 'messageMediaContact',
        phoneNumber: spec.phone,
        firstName: spec.firstName,
        lastName: spec.lastName ?? '',
        vcard: '',
        userId: spec.userId ?? 0,
      };
  }
}

/** What the server makes of the InputMedia in messages.sendMedia, uploaded bytes included. */
export function mediaFromInput(files: FileStore, input: tl.TypeInputMedia): { media: tl.TypeMessageMedia; uploaded?: Uint8Array } {
  switch (input._) {
    case 'inputMediaUploadedPhoto': {
      const uploaded = files.assemble(input.file);
      return { media: photoMedia(files, uploaded), uploaded };
    }
    case 'inputMediaUploadedDocument': {
      const uploaded = files.assemble(input.file);
      return { media: documentMedia(files, uploaded, input.mimeType, input.attributes), uploaded };
    }
    case 'inputMediaPhoto': {
      const photo = input.id._ === 'inputPhoto' ? files.photos.get(input.id.id.toString()) : undefined;
      if (!photo) throw rpcError('MEDIA_INVALID');
      return { media: { _: 'messageMediaPhoto', photo } };
    }
    case 'inputMediaDocument': {
      const document = input.id._ === 'inputDocument' ? files.documents.get(input.id.id.toString()) : undefined;
      if (!document) throw rpcError('MEDIA_INVALID');
      return { media: mediaOfDocument(document) };
    }
    case 'inputMediaGeoPoint':
      if (input.geoPoint._ !== 'inputGeoPoint') throw rpcError('MEDIA_INVALID');
      return { media: buildMedia(files, { kind: 'location', latitude: input.geoPoint.lat, longitude: input.geoPoint.long }) };
    case 'inputMediaContact':
      return {
        media: buildMedia(files, { kind: 'contact', phone: input.phoneNumber, firstName: input.firstName, lastName: input.lastName }),
      };
    default:
      throw rpcError('MEDIA_INVALID');
  }
}
