"""Statistics: indicators per jurisdiction node × period, 反诈指数 and 红黄蓝 ratings.

A read model over what the other domains record; each source is read through one
module in `stats/sources/` so a schema change is fixed in one place."""
