// Alerts for new customer messages in my chats: a short tone and a browser notification. Off unless the operator
// turns them on (remembered); the browser is asked for permission to notify only then.
const STORAGE_KEY = 'parley.alerts';

export const alertsOn = (): boolean => localStorage.getItem(STORAGE_KEY) === 'on';

export async function setAlerts(on: boolean): Promise<void> {
  if (!on) {
    localStorage.removeItem(STORAGE_KEY);
    return;
  }
  localStorage.setItem(STORAGE_KEY, 'on');
  if ('Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
}

/** A soft two-note tone made on the spot (nothing fetched); browsers may keep it silent until the page was used. */
function tone(): void {
  try {
    const audio = new AudioContext();
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.5);
    gain.connect(audio.destination);
    [880, 1320].forEach((frequency, index) => {
      const oscillator = audio.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start(audio.currentTime + index * 0.12);
      oscillator.stop(audio.currentTime + 0.5);
    });
    setTimeout(() => void audio.close(), 1000);
  } catch {
    // No audio here: the notification (or the tab title) still tells.
  }
}

/** Tells of a new customer message, when alerts are on. */
export function alertNewMessage(title: string, body: string): void {
  if (!alertsOn()) return;
  tone();
  if ('Notification' in window && Notification.permission === 'granted' && !document.hasFocus()) {
    new Notification(title, { body, tag: 'parley-new-message' });
  }
}
