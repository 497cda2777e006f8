// Demo customers for PARLEY_DEMO=1: a few people writing now and then, so a new user sees a live inbox.
import type { SimulatedCustomer } from './messages.js';

export const DEMO_CUSTOMERS: SimulatedCustomer[] = [
  { id: '1001', name: 'Анна Смирнова', username: 'anna_s' },
  { id: '1002', name: 'John Carter', username: 'jcarter' },
  { id: '1003', name: 'Мария Иванова' },
  { id: '1004', name: 'Li Wei', username: 'liwei' },
  { id: '1005', name: 'Дмитрий' },
];

export const DEMO_LINES = [
  'Здравствуйте! Где мой заказ №4521?',
  'Hi, can I change the delivery address?',
  'Подскажите, есть ли этот товар в синем цвете?',
  'The package arrived damaged 😕',
  'Спасибо, всё получил 🙏',
  'Do you ship to Kazakhstan?',
  'Можно оплатить картой при получении?',
  'How long does a refund take?',
  'А скидка для постоянных клиентов есть?',
  'Thanks for the quick answer!',
];

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}
