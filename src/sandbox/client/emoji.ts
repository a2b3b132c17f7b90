/** The emoji codes Vigil writes, as Slack draws them; any other code is left as typed. */
const EMOJI: Record<string, string> = {
  alarm_clock: '⏰',
  bell: '🔔',
  black_square_button: '🔲',
  clipboard: '📋',
  grey_question: '❔',
  heavy_minus_sign: '➖',
  hourglass_flowing_sand: '⏳',
  lock: '🔒',
  mag: '🔍',
  memo: '📝',
  no_entry: '⛔',
  outbox_tray: '📤',
  rotating_light: '🚨',
  warning: '⚠️',
  white_check_mark: '✅',
  white_square_button: '🔳',
  zzz: '💤',
  x: '❌',
  tada: '🎉',
  wave: '👋',
};

export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (code, name: string) => EMOJI[name] ?? code);
}
