"""Money units, defined once. People type and read amounts in 亿元 (100 million yuan: project
amounts, targets, every table); the input-output engine (:mod:`lianzhao.econ`) and the NBS tables
work in 万元 (10,000 yuan). Divide 万元 by :data:`YI` for 亿元, multiply 亿元 by it for 万元."""

#: 万元 per 亿元.
YI = 1e4

#: The largest amount in 亿元 anyone can mean (10,000 亿元 = 1 万亿元, more than any single investment
#: project): a larger figure is a slip of the unit (元 or 万元 typed as 亿元), refused where it is typed.
MAX_YI = 10_000

#: The same bound for amounts in 万美元 (foreign capital): 1,000 亿美元, about 7,000 亿元.
MAX_WAN_USD = 10_000_000
