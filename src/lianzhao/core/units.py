"""Money units, defined once. People type and read amounts in 亿元 (100 million yuan: project
amounts, targets, every table); the input-output engine (:mod:`lianzhao.econ`) and the NBS tables
work in 万元 (10,000 yuan). Divide 万元 by :data:`YI` for 亿元, multiply 亿元 by it for 万元."""

#: 万元 per 亿元.
YI = 1e4
