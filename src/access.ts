/** What a non-founder is told: short, and revealing nothing about the system. */
export const REFUSAL_TEXT = 'Sorry, this is a private bot.';
