"""Reports the union files upward: periods, figures rolled up the station tree,
XLSX/CSV workbooks, charts and QR posters (issue 19).

Heavy libraries (matplotlib, xlsxwriter, segno, Pillow) are imported inside
the functions that draw or write, so the bot starts without them in memory.
"""
