import type { ChannelDeclaration } from '../src/channels/declaration.js';
import { terminal } from './console/declaration.js';
import { slack } from './slack/declaration.js';
import { telegram } from './telegram/declaration.js';

/** Every chat channel AUREA has: adding one is its folder in bots/ and its declaration here. */
export const CHANNELS: readonly ChannelDeclaration[] = [telegram, slack, terminal];
