import type { ButtonHTMLAttributes } from 'react';

export function Button({ className, type = 'button', ...props }: ButtonHTMLAttributes<HTMLButtonElement>) {
  return <button type={type} className={['button', className].filter(Boolean).join(' ')} {...props} />;
}
