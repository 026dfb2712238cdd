import ical, { ICalCalendarMethod } from "ical-generator";
import type { DueCard } from "../do/card-queries";

/**
 * An RFC 5545 calendar of due cards: one VEVENT per card at its due instant (UTC), with a UID that
 * stays the same across fetches (so calendar apps update events instead of duplicating them), the
 * card's last change as DTSTAMP, and SUMMARY/DESCRIPTION escaped by ical-generator.
 *
 * @example const body = dueCardsCalendar(cards, "https://example.com");
 */
export function dueCardsCalendar(cards: DueCard[], origin: string): string {
  const cal = ical({
    name: "Boards: due cards",
    prodId: { company: "Edgeworks", product: "Boards", language: "EN" },
    method: ICalCalendarMethod.PUBLISH,
    ttl: 15 * 60,
  });
  for (const card of cards) {
    cal.createEvent({
      id: `${card.id}@boards.edgeworks`,
      start: new Date(card.dueAt),
      end: new Date(card.dueAt + 30 * 60_000),
      stamp: new Date(card.updatedAt),
      lastModified: new Date(card.updatedAt),
      summary: card.title,
      description: `${card.boardName} › ${card.listName}${card.description ? `\n\n${card.description}` : ""}`,
      url: `${origin}/boards/v1/cards/${card.id}`,
    });
  }
  return cal.toString();
}
