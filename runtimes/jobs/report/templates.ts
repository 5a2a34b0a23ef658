/** The report's pages as Handlebars templates: plain HTML and CSS, no script, nothing fetched. */
import { AUDIOBOOK_COLOUR, EBOOK_COLOUR } from "./svg";

/** The stylesheet: one file beside the pages (style.css), so each page stays small. */
export const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d232b;margin:0;background:#fafbfc}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px}
nav a{margin-right:12px}a{color:#2f6db5}
.meta{color:#5b6673}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #e2e6ea;border-radius:8px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;background:#fff;margin:8px 0}
th,td{border-bottom:1px solid #e2e6ea;padding:4px 10px;text-align:left;vertical-align:middle}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:block;background:#fff;border:1px solid #e2e6ea;border-radius:8px;padding:8px;margin:8px 0;max-width:100%;height:auto}
.chart .axis{font-size:10px;fill:#5b6673}
.chart .baseline{stroke:#c4cad1}
.chart rect.empty{fill:#eef0f3}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
.legend .ebook{background:${EBOOK_COLOUR}}.legend .audiobook{background:${AUDIOBOOK_COLOUR}}
.missing{color:#9a5b00}
#sessions td:nth-child(2),#sessions td:nth-child(3){text-align:right;font-variant-numeric:tabular-nums}
`;

const HEAD = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'">
<title>{{title}}</title>
<link rel="stylesheet" href="{{root}}style.css">
</head>
<body><main>
<nav><a href="{{root}}index.html">Reading report</a>{{#each years}}<a href="{{../root}}year-{{this}}.html">{{this}}</a>{{/each}}</nav>`;

const FOOT = `<p class="meta">Times in {{timeZone}}; a session counts on the day it began.
From the shelfstack warehouse: KOReader statistics, Audiobookshelf listening sessions, the Hardcover shelf.</p>
</main></body>
</html>
`;

const LEGEND = `<p class="legend"><span class="ebook"></span>ebooks<span class="audiobook"></span>audiobooks</p>`;

export const INDEX = `${HEAD}
<h1>Reading report</h1>
{{#if m.firstDay}}<p class="meta">{{m.firstDay}} to {{m.lastDay}}</p>{{else}}<p>No reading sessions in the warehouse yet: the nightly ETL fills it.</p>{{/if}}
<section class="cards" aria-label="Totals">
<div class="card" id="total-time" data-seconds="{{m.total.seconds}}">Total time<b>{{duration m.total.seconds}}</b></div>
<div class="card" id="total-ebook" data-seconds="{{m.total.ebookSeconds}}">Ebooks<b>{{duration m.total.ebookSeconds}}</b></div>
<div class="card" id="total-audiobook" data-seconds="{{m.total.audiobookSeconds}}">Audiobooks<b>{{duration m.total.audiobookSeconds}}</b></div>
<div class="card" id="total-sessions" data-count="{{m.total.sessions}}">Sessions<b>{{m.total.sessions}}</b></div>
<div class="card" id="total-days" data-count="{{m.total.days}}">Days read<b>{{m.total.days}}</b></div>
<div class="card" id="total-books" data-count="{{m.total.books}}">Books<b>{{m.total.books}}</b></div>
<div class="card" id="longest-streak" data-days="{{#if m.longestStreak}}{{m.longestStreak.days}}{{else}}0{{/if}}">Longest streak<b>{{#if m.longestStreak}}{{dayCount m.longestStreak.days}}{{else}}none{{/if}}</b>{{#if m.longestStreak}}{{m.longestStreak.from}} to {{m.longestStreak.to}}{{/if}}</div>
<div class="card" id="latest-streak" data-days="{{#if m.latestStreak}}{{m.latestStreak.days}}{{else}}0{{/if}}">Latest streak<b>{{#if m.latestStreak}}{{dayCount m.latestStreak.days}}{{else}}none{{/if}}</b>{{#if m.latestStreak}}to {{m.latestStreak.to}}{{/if}}</div>
</section>
{{#if m.total.missing}}<p class="missing" id="missing">{{m.total.missing}} sessions are no longer in their source (a device reset or restored); they are kept and counted here.</p>{{/if}}

{{#if latest}}<h2>{{latest.year}}</h2>
{{{latestCalendar}}}
${LEGEND}{{/if}}

<h2>Time per month</h2>
{{{monthsChart}}}
<table id="months"><thead><tr><th>Month</th><th class="n">Total</th><th class="n">Ebooks</th><th class="n">Audiobooks</th><th class="n">Sessions</th><th class="n">Days</th></tr></thead><tbody>
{{#each m.months}}<tr data-period="{{period}}" data-seconds="{{seconds}}"><td>{{period}}</td><td class="n">{{duration seconds}}</td><td class="n">{{duration ebookSeconds}}</td><td class="n">{{duration audiobookSeconds}}</td><td class="n">{{sessions}}</td><td class="n">{{days}}</td></tr>
{{/each}}</tbody></table>

<h2>Time per year</h2>
<table id="years"><thead><tr><th>Year</th><th class="n">Total</th><th class="n">Ebooks</th><th class="n">Audiobooks</th><th class="n">Sessions</th><th class="n">Days</th><th class="n">Longest streak</th></tr></thead><tbody>
{{#each m.years}}<tr data-period="{{period}}" data-seconds="{{seconds}}"><td><a href="year-{{year}}.html">{{year}}</a></td><td class="n">{{duration seconds}}</td><td class="n">{{duration ebookSeconds}}</td><td class="n">{{duration audiobookSeconds}}</td><td class="n">{{sessions}}</td><td class="n">{{days}}</td><td class="n">{{#if longestStreak}}{{dayCount longestStreak.days}}{{/if}}</td></tr>
{{/each}}</tbody></table>

<h2>Sessions</h2>
<p id="session-stats" data-median="{{m.medianSessionSeconds}}" data-mean="{{m.meanSessionSeconds}}">{{m.total.sessions}} sessions; typical (median) length {{duration m.medianSessionSeconds}}, mean {{duration m.meanSessionSeconds}}.
{{#if m.total.pagesPerHour}}Ebooks: {{m.total.pagesPerHour}} pages an hour ({{m.total.pagesTurned}} pages turned).{{/if}}</p>
<h3>Time of day</h3>
{{{hoursChart}}}
<h3>Weekday</h3>
{{{weekdaysChart}}}
<table id="weekdays"><thead><tr><th>Weekday</th><th class="n">Total</th><th class="n">Sessions</th></tr></thead><tbody>
{{#each weekdays}}<tr data-seconds="{{seconds}}"><td>{{name}}</td><td class="n">{{duration seconds}}</td><td class="n">{{sessions}}</td></tr>
{{/each}}</tbody></table>

<h2>Devices and sources</h2>
{{{sourcesChart}}}
<table id="sources"><thead><tr><th>Source</th><th class="n">Total</th><th class="n">Sessions</th><th class="n">Books</th></tr></thead><tbody>
{{#each m.sources}}<tr data-seconds="{{seconds}}"><td>{{label}}</td><td class="n">{{duration seconds}}</td><td class="n">{{sessions}}</td><td class="n">{{books}}</td></tr>
{{/each}}</tbody></table>
{{#if m.hardcover.length}}<table id="hardcover"><thead><tr><th>Hardcover shelf</th><th class="n">Books</th></tr></thead><tbody>
{{#each m.hardcover}}<tr><td>{{status}}</td><td class="n">{{books}}</td></tr>
{{/each}}</tbody></table>{{/if}}

<h2>Books</h2>
<table id="books"><thead><tr><th>Book</th><th class="n">Time</th><th class="n">Sessions</th><th>Read</th><th class="n">Pages an hour</th><th>First read</th><th>Last read</th></tr></thead><tbody>
{{#each m.books}}<tr data-book="{{id}}" data-seconds="{{seconds}}"><td><a href="books/{{slug}}.html">{{title}}</a>{{#if author}}<br><span class="meta">{{author}}</span>{{/if}}</td><td class="n">{{duration seconds}}</td><td class="n">{{sessions}}</td><td>{{#if completionPercent includeZero=true}}{{{completion completionPercent}}} {{pagesRead}} / {{totalPages}} pages{{else}}{{#if pagesRead}}{{pagesRead}} pages{{/if}}{{/if}}{{#if listenedPercent includeZero=true}}{{#if pagesRead}}<br>{{/if}}{{{completion listenedPercent}}} {{duration audioPosition}} / {{duration audioDuration}}{{/if}}</td><td class="n">{{pagesPerHour}}</td><td>{{first}}</td><td>{{last}}</td></tr>
{{/each}}</tbody></table>
${FOOT}`;

export const YEAR = `${HEAD}
<h1>{{y.year}}</h1>
<section class="cards" aria-label="Totals">
<div class="card" id="year-time" data-seconds="{{y.seconds}}">Total time<b>{{duration y.seconds}}</b></div>
<div class="card" data-seconds="{{y.ebookSeconds}}">Ebooks<b>{{duration y.ebookSeconds}}</b></div>
<div class="card" data-seconds="{{y.audiobookSeconds}}">Audiobooks<b>{{duration y.audiobookSeconds}}</b></div>
<div class="card" data-count="{{y.sessions}}">Sessions<b>{{y.sessions}}</b></div>
<div class="card" data-count="{{y.days}}">Days read<b>{{y.days}}</b></div>
<div class="card" id="year-streak" data-days="{{#if y.longestStreak}}{{y.longestStreak.days}}{{else}}0{{/if}}">Longest streak<b>{{#if y.longestStreak}}{{dayCount y.longestStreak.days}}{{else}}none{{/if}}</b>{{#if y.longestStreak}}{{y.longestStreak.from}} to {{y.longestStreak.to}}{{/if}}</div>
</section>
{{{calendar}}}
${LEGEND}
<h2>Time per month</h2>
{{{monthsChart}}}
<h2>Days</h2>
<table id="days"><thead><tr><th>Day</th><th class="n">Total</th><th class="n">Ebooks</th><th class="n">Audiobooks</th><th class="n">Sessions</th></tr></thead><tbody>
{{#each y.dayTotals}}<tr data-day="{{day}}" data-seconds="{{seconds}}"><td>{{day}}</td><td class="n">{{duration seconds}}</td><td class="n">{{duration ebookSeconds}}</td><td class="n">{{duration audiobookSeconds}}</td><td class="n">{{sessions}}</td></tr>
{{/each}}</tbody></table>
${FOOT}`;

export const BOOK = `${HEAD}
<h1>{{b.title}}</h1>
{{#if b.author}}<p class="meta">{{b.author}}</p>{{/if}}
<section class="cards" aria-label="Totals">
<div class="card" id="book-time" data-seconds="{{b.seconds}}">Time<b>{{duration b.seconds}}</b></div>
<div class="card" data-count="{{b.sessions}}">Sessions<b>{{b.sessions}}</b></div>
{{#if b.pagesRead}}<div class="card" id="book-pages" data-count="{{b.pagesRead}}">Pages read<b>{{b.pagesRead}}{{#if b.totalPages}} / {{b.totalPages}}{{/if}}</b>{{#if b.completionPercent}}{{b.completionPercent}}%{{/if}}</div>{{/if}}
{{#if b.pagesPerHour}}<div class="card">Pages an hour<b>{{b.pagesPerHour}}</b></div>{{/if}}
{{#if b.audiobookSeconds}}<div class="card">Listened<b>{{duration b.audiobookSeconds}}</b>{{#if b.listenedPercent includeZero=true}}up to {{duration b.audioPosition}} of {{duration b.audioDuration}} ({{b.listenedPercent}}%){{/if}}</div>{{/if}}
<div class="card">First read<b>{{b.first}}</b></div>
<div class="card">Last read<b>{{b.last}}</b></div>
{{#if b.hardcoverStatus}}<div class="card">Hardcover<b>{{b.hardcoverStatus}}</b></div>{{/if}}
</section>
{{{daysChart}}}
<h2>Sessions</h2>
<table id="sessions"><thead><tr><th>Start</th><th>Time</th><th>Pages</th><th>Source</th></tr></thead><tbody>
{{#each b.sessionList}}<tr><td>{{start}}</td><td>{{duration seconds}}</td><td>{{pages}}</td><td>{{#if device}}{{device}}{{else}}Audiobookshelf{{/if}}{{#if missing}} <span class="missing">(no longer in the source)</span>{{/if}}</td></tr>
{{/each}}</tbody></table>
${FOOT}`;
