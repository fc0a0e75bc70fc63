"""Pure NLU library: text in, Parse out. Imports nothing from bot/, aiohttp, SQLAlchemy, telegram, twilio."""
