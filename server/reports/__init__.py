"""Reports: the figures a hall is judged by, from its database (read-only), and the hall monitor.

``source`` reads (the only I/O), ``figures`` computes (pure), ``tables``/``excel``/``charts``
lay the figures out, ``seed`` makes the 余姚 monthly table, ``cli`` is ``onetrip report``,
``monitor`` the live 大厅经理 page the hub serves, ``bench`` the ``reports`` benchmark.
"""
